package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskChanges;
import io.clawbot.coordinator.domain.task.TaskId;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkSignal;
import io.clawbot.coordinator.domain.workflow.SequentialPlan;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowId;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Creating, starting, reading and deleting sequential workflows. */
public final class WorkflowLifecycle {

    private final WorkflowStore workflows;
    private final TaskStore tasks;
    private final IdSource ids;
    private final InstantSource clock;
    private final WorkSignal signal;
    private final RetryDefaults retryDefaults;

    public WorkflowLifecycle(WorkflowStore workflows, TaskStore tasks, IdSource ids, InstantSource clock,
            WorkSignal signal, RetryDefaults retryDefaults) {
        this.retryDefaults = retryDefaults;
        this.workflows = workflows;
        this.tasks = tasks;
        this.ids = ids;
        this.clock = clock;
        this.signal = signal;
    }

    /** Creates the workflow and all its steps at once; with auto-start the first step is pending at once. */
    public Uni<Created<WorkflowWithTasks>> create(CreateWorkflowCommand command) {
        Instant now = clock.instant();
        WorkflowId workflowId = new WorkflowId(ids.next());
        List<Task> steps = new ArrayList<>(command.steps().size());
        List<TaskTransitioned> creations = new ArrayList<>(command.steps().size());
        for (int i = 0; i < command.steps().size(); i++) {
            TaskSpec spec = command.steps().get(i);
            Task step = Task.createStep(new TaskId(ids.next()), spec, retryDefaults.resolve(spec.type(), spec.retry()),
                    workflowId, i, command.autoStart() && i == 0, now);
            steps.add(step);
            creations.add(TaskTransitioned.created(step, Actor.api()));
        }
        Workflow workflow = Workflow.create(workflowId, command.name(), command.description(), command.metadata(),
                steps.stream().map(Task::id).toList(), command.autoStart(), now);
        return workflows.create(workflow, steps, creations, command.idempotencyKey()).flatMap(created -> {
            if (!created.replayed()) {
                signal.workMayBeAvailable();
                return Uni.createFrom().item(Created.fresh(new WorkflowWithTasks(created.resource(), steps)));
            }
            return withTasks(created.resource()).map(Created::replay);
        });
    }

    public Uni<Workflow> get(WorkflowId id) {
        return workflows.findById(id).onItem().ifNull().failWith(() -> new NotFoundException("workflow", id));
    }

    public Uni<WorkflowWithTasks> getWithTasks(WorkflowId id) {
        return get(id).flatMap(this::withTasks);
    }

    public Uni<List<Workflow>> list(WorkflowQuery query, PageRequest page) {
        return workflows.list(query, page);
    }

    /** Releases the first step of a workflow created without auto-start. */
    public Uni<Workflow> start(WorkflowId id) {
        return ConcurrentRetry.run(() -> getWithTasks(id).flatMap(current -> {
            Instant now = clock.instant();
            Workflow started = current.workflow().start(now).orThrow();
            TaskChanges.Builder changes = TaskChanges.builder();
            SequentialPlan.start(current.workflow(), started, current.tasks(), now, changes);
            return tasks.apply(changes.build()).replaceWith(started).invoke(signal::workMayBeAvailable);
        }));
    }

    /** Deletes a workflow whose steps no bot holds, with all its steps. */
    public Uni<Void> delete(WorkflowId id) {
        return getWithTasks(id).flatMap(current -> {
            long held = current.tasks().stream().filter(t -> t.status().isHeldByBot()).count();
            if (held > 0) {
                return Uni.createFrom().failure(new InvalidTransitionException("Workflow " + id + " has " + held
                        + " step(s) held by a bot; cancel them before deleting the workflow"));
            }
            return workflows.delete(id).replaceWithVoid();
        });
    }

    private Uni<WorkflowWithTasks> withTasks(Workflow workflow) {
        return tasks.findByWorkflow(workflow.id()).map(steps -> new WorkflowWithTasks(workflow, steps));
    }
}
