package dev.steward.automations;

import dev.steward.platform.Problem.InvalidInput;
import java.util.List;
import java.util.Set;

/**
 * Prefect's guard against automations that would run deployments forever (AutomationCore's
 * prevent_run_deployment_loops): an enabled automation whose reactive event trigger expects a flow run's scheduled,
 * pending or running state (or any flow-run event) may not run an inferred deployment, nor a selected one when its
 * trigger matches every flow run.
 */
final class RunDeploymentLoops {
    private static final Set<String> LOOPING = Set.of("prefect.flow-run.Scheduled", "prefect.flow-run.Pending",
            "prefect.flow-run.Running", "prefect.flow-run.*");

    private RunDeploymentLoops() {}

    static void refuse(AutomationDocument.Definition d) {
        if (!d.enabled() || !(d.trigger() instanceof EventTrigger t) || t.posture() != Posture.Reactive) return;
        if (t.expect().stream().noneMatch(e -> e.startsWith("prefect.flow-run."))) return;
        if (t.expect().stream().noneMatch(LOOPING::contains)) return;
        for (Action action : d.actions()) {
            if (!(action instanceof Action.RunDeployment run)) continue;
            if (run.source() == Action.Source.INFERRED) {
                throw InvalidInput.field("actions", "Value error, Running an inferred deployment from a flow run "
                        + "state change event will lead to an infinite loop of flow runs.  Please choose a specific "
                        + "deployment and add additional filtering labels to the match or match_related for this "
                        + "automation's trigger.");
            }
            List<ResourceSpecification> related = t.matchRelated();
            if (t.match().matchesEveryResourceOfKind("prefect.flow-run")
                    && (related.isEmpty() || related.stream()
                            .anyMatch(r -> r.matchesEveryResourceOfKind("prefect.flow-run")))) {
                throw InvalidInput.field("actions", "Value error, Running a selected deployment from a flow run state "
                        + "change event may lead to an infinite loop of flow runs.  Please include additional "
                        + "filtering labels on either match or match_related to narrow down which flow runs will "
                        + "trigger this automation to exclude flow runs from the deployment you've selected.");
            }
        }
    }
}
