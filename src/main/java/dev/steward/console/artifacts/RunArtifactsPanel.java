package dev.steward.console.artifacts;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import dev.steward.console.WorkspaceChoice;
import java.util.List;
import java.util.UUID;

/**
 * The Artifacts tab of a run page: the run's artifact versions, newest first, each rendered by type. {@link #refresh}
 * (the run page calls it when it polls or hears of the run) shows what changed: a progress bar moves in place, other
 * changed versions are rendered again, and a new or deleted version rebuilds the list.
 */
public class RunArtifactsPanel extends VerticalLayout {
    private final ArtifactReads reads;
    private final WorkspaceChoice workspace;
    private final UUID flowRunId;
    private final UUID taskRunId;
    private final Span count = new Span();
    private List<ArtifactCard> cards = List.of();

    /** A flow run's artifacts (taskRunId null: its tasks' included, with their task run linked), or a task run's. */
    public RunArtifactsPanel(ArtifactReads reads, WorkspaceChoice workspace, UUID flowRunId, UUID taskRunId) {
        this.reads = reads;
        this.workspace = workspace;
        this.flowRunId = flowRunId;
        this.taskRunId = taskRunId;
        setId("run-artifacts");
        setPadding(false);
        count.setId("run-artifacts-count");
        refresh();
    }

    public void refresh() {
        List<ArtifactRow> rows = reads.ofRun(workspace, flowRunId, taskRunId);
        if (rows.stream().map(ArtifactRow::id).toList().equals(cards.stream().map(c -> c.row().id()).toList())) {
            for (int i = 0; i < rows.size(); i++) {
                if (!rows.get(i).updated().equals(cards.get(i).row().updated())) cards.get(i).show(rows.get(i));
            }
            return;
        }
        removeAll();
        count.setText(rows.isEmpty() ? "No artifacts" : rows.size() + (rows.size() == 1 ? " artifact" : " artifacts")
                + (rows.size() == ArtifactReads.MAX_VERSIONS ? " (the newest)" : ""));
        add(count);
        cards = rows.stream().map(r -> new ArtifactCard(r, false, taskRunId == null)).toList();
        cards.forEach(this::add);
    }
}
