package io.clawbot.coordinator.application.insight;

import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.insight.Explanation;
import io.clawbot.coordinator.domain.insight.port.Insights;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.StepDefinition;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Why is this task not running? Reads what the reasons depend on and lets the domain's rule say. */
public final class ExplainTask {

    private final TaskQueries queries;
    private final TaskStore tasks;
    private final WorkflowStore workflows;
    private final Insights insights;
    private final PolicyStore policies;
    private final InstantSource clock;

    public ExplainTask(TaskQueries queries, TaskStore tasks, WorkflowStore workflows, Insights insights,
            PolicyStore policies, InstantSource clock) {
        this.policies = policies;
        this.queries = queries;
        this.tasks = tasks;
        this.workflows = workflows;
        this.insights = insights;
        this.clock = clock;
    }

    /** The explanation of a task within {@code scope} (see {@code Visibility}). */
    public Uni<Explanation> explain(TaskId id, KeyId scope) {
        return queries.get(id, scope).flatMap(task -> {
            Instant now = clock.instant();
            return switch (task.status()) {
                case PENDING -> Uni.combine().all()
                        .unis(insights.capacity(task.type()), insights.ahead(task, now), policyOf(task),
                                keyPolicyOf(task).flatMap(keyPolicy -> keyHolders(task, keyPolicy.orElse(null))
                                        .map(holders -> new KeyState(keyPolicy.orElse(null), holders.orElse(null)))),
                                rateBucketOf(task))
                        .with((capacity, ahead, policy, key, bucket) -> Explanation.of(task, now, capacity, ahead,
                                null, new Explanation.Limits(policy.orElse(null), key.policy(), key.holders(),
                                        bucket.orElse(null))));
                case WAITING -> waitingFor(task).map(steps -> Explanation.of(task, now, null, null, steps));
                default -> Uni.createFrom().item(Explanation.of(task, now, null, null, null));
            };
        });
    }

    /** The stored policy of the task's type, if it has a type and the type a policy. */
    private Uni<Optional<DispatchPolicy>> policyOf(Task task) {
        if (task.type() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return policies.find(task.type()).map(Optional::ofNullable);
    }

    /** The policy of a keyed task's concurrency key and the tasks bots hold of it. */
    private record KeyState(KeyPolicy policy, List<TaskId> holders) {
    }

    /** The stored policy of the task's concurrency key, if it has a key and the key a policy. */
    private Uni<Optional<KeyPolicy>> keyPolicyOf(Task task) {
        if (task.concurrency() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return policies.findKey(task.concurrency().key()).map(Optional::ofNullable);
    }

    /** The tasks bots hold of the task's concurrency key, if it has one: as many as its limit, or more. */
    private Uni<Optional<List<TaskId>>> keyHolders(Task task, KeyPolicy policy) {
        if (task.concurrency() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        int listed = Math.max(task.concurrency().max(),
                policy == null || policy.maxConcurrency() == null ? 0 : policy.maxConcurrency());
        return insights.holdingKey(task.concurrency().key(), listed).map(Optional::of);
    }

    /** The bucket of the task's rate limit key, if it has a key and the key's bucket is not full. */
    private Uni<Optional<Instant>> rateBucketOf(Task task) {
        if (task.rate() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return insights.rateBucket(task.rate().key()).map(Optional::ofNullable);
    }

    /** The ids of the steps a waiting step waits for that have not ended. */
    private Uni<List<String>> waitingFor(Task step) {
        if (step.workflowId() == null) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.combine().all().unis(workflows.findById(step.workflowId()), tasks.findByWorkflow(step.workflowId()))
                .with((workflow, steps) -> {
                    if (workflow == null) {
                        return List.<String>of();
                    }
                    List<StepDefinition> defs = DagPlan.definition(workflow, steps).steps();
                    Map<Integer, Task> byPosition = steps.stream()
                            .collect(Collectors.toMap(Task::workflowPosition, Function.identity()));
                    String self = defs.get(step.workflowPosition()).id();
                    Set<String> before = new LinkedHashSet<>(defs.get(step.workflowPosition()).dependsOn());
                    for (StepDefinition d : defs) {
                        if (d.onSuccess().contains(self) || d.onFailure().contains(self)) {
                            before.add(d.id());
                        }
                    }
                    List<String> open = new ArrayList<>();
                    for (int i = 0; i < defs.size(); i++) {
                        Task t = byPosition.get(i);
                        if (before.contains(defs.get(i).id()) && t != null && !t.status().isTerminal()) {
                            open.add(defs.get(i).id());
                        }
                    }
                    return open;
                });
    }
}
