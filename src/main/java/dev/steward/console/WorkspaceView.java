package dev.steward.console;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.shared.Registration;

/**
 * A view of the selected workspace that follows its committed events live: it shows the workspace when attached and
 * whenever the user switches, and moves its live-update subscription along; detaching ends the subscription.
 */
public abstract class WorkspaceView extends VerticalLayout implements WorkspaceAware {
    private final ConsoleWorkspaces workspaces;
    private final LiveUpdates liveUpdates;
    private final String eventPrefix;
    private Registration live;

    /** @param eventPrefix the events that make this view refresh, e.g. {@code prefect.variable.} */
    protected WorkspaceView(ConsoleWorkspaces workspaces, LiveUpdates liveUpdates, String eventPrefix) {
        this.workspaces = workspaces;
        this.liveUpdates = liveUpdates;
        this.eventPrefix = eventPrefix;
    }

    /**
     * Shows the workspace (null: the user may open none): reloads and adapts to the user's role there.
     *
     * @return whether the view follows the workspace's events live
     */
    protected abstract boolean show(WorkspaceChoice workspace);

    /** Reloads the data on screen. */
    protected abstract void refresh();

    @Override
    public final void workspaceChanged(WorkspaceChoice workspace) {
        stopFollowing();
        if (show(workspace) && workspace != null) {
            getUI().ifPresent(ui -> live = liveUpdates.subscribe(ui, workspace.id(), eventPrefix, this::refresh));
        }
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        workspaceChanged(workspaces.current().orElse(null));
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        stopFollowing();
        super.onDetach(detachEvent);
    }

    private void stopFollowing() {
        if (live != null) {
            live.remove();
            live = null;
        }
    }
}
