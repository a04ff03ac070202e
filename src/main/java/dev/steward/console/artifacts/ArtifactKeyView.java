package dev.steward.console.artifacts;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.steward.console.ConsoleWorkspaces;
import dev.steward.console.LiveUpdates;
import dev.steward.console.MainLayout;
import dev.steward.console.Problems;
import dev.steward.console.StewardAppShell;
import dev.steward.console.WorkspaceChoice;
import dev.steward.console.WorkspaceView;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.util.List;

/**
 * A key's history ({@code artifacts/<key>}): all its versions, newest first (the first is the key's latest), each
 * rendered, with the run that made it. Follows artifact events live.
 */
@Route(value = "artifacts/:key", layout = MainLayout.class)
@PageTitle(StewardAppShell.TITLE)
@PermitAll
public class ArtifactKeyView extends WorkspaceView implements BeforeEnterObserver {
    private final ArtifactReads reads;
    private String key;
    private WorkspaceChoice workspace;

    @Inject
    public ArtifactKeyView(ConsoleWorkspaces workspaces, ArtifactReads reads, LiveUpdates liveUpdates) {
        super(workspaces, liveUpdates, ArtifactsView.EVENT_PREFIX);
        this.reads = reads;
        addClassName("artifact-key-view");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        key = event.getRouteParameters().get("key").orElse("");
    }

    @Override
    protected boolean show(WorkspaceChoice choice) {
        workspace = choice;
        refresh();
        return choice != null;
    }

    @Override
    protected void refresh() {
        removeAll();
        H2 title = new H2(key);
        title.setId("artifact-key");
        add(new Anchor("artifacts", "All artifacts"), title);
        if (workspace == null) return;
        try {
            List<ArtifactRow> versions = reads.history(workspace, key);
            long total = versions.size() < ArtifactReads.MAX_VERSIONS ? versions.size()
                    : reads.countHistory(workspace, key);
            Span count = new Span(total == 0 ? "No artifact has this key in this workspace."
                    : total + (total == 1 ? " version" : " versions") + ", newest first"
                    + (total > versions.size() ? " (the newest " + versions.size() + " shown)" : ""));
            count.setId("artifact-versions-count");
            add(count);
            versions.forEach(v -> add(new ArtifactCard(v, true, true)));
        } catch (RuntimeException e) {
            Problems.show(e);
        }
    }
}
