package dev.steward.console;

/**
 * A view that shows data of the selected workspace. {@link MainLayout} tells the view on screen when the user picks
 * another workspace in the switcher; the view then reloads, adapts its buttons to the role and moves its live-update
 * subscription.
 */
public interface WorkspaceAware {
    /** @param workspace the newly selected workspace; null when the user may open none */
    void workspaceChanged(WorkspaceChoice workspace);
}
