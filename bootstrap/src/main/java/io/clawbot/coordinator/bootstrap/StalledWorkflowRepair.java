package io.clawbot.coordinator.bootstrap;

import io.clawbot.coordinator.application.workflow.RepairStalledWorkflows;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Once at start-up, moves on the workflows that nothing would move any more ({@link RepairStalledWorkflows}):
 * runs left in progress for good by a race of their last steps in releases before the workflow lock. Every replica
 * does it; each workflow is decided holding its lock, so doing it twice changes nothing more. It runs in the
 * background: the service takes requests meanwhile.
 */
@ApplicationScoped
public class StalledWorkflowRepair {

    private static final Logger LOG = Logger.getLogger(StalledWorkflowRepair.class);

    private final RepairStalledWorkflows repair;

    public StalledWorkflowRepair(RepairStalledWorkflows repair) {
        this.repair = repair;
    }

    void onStart(@Observes StartupEvent event) {
        repair.repair().subscribe().with(repaired -> {
            if (repaired > 0) {
                LOG.infof("moved on %d stalled workflow(s)", repaired);
            }
        }, failure -> LOG.warnf("the start-up check for stalled workflows failed (%s); it runs again at the next "
                + "start", failure.getMessage()));
    }
}
