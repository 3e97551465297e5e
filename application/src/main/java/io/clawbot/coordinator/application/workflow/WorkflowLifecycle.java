package io.clawbot.coordinator.application.workflow;

import io.clawbot.coordinator.application.common.ConcurrentRetry;
import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.application.tasktype.TaskTypes;
import io.clawbot.coordinator.domain.access.Visibility;
import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.common.port.Tracing;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.KeyId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.StepDefinition;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowAdvance;
import io.clawbot.coordinator.domain.workflow.StepParams;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowQuery;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Creating, starting, reading and deleting workflows (runs of a definition). */
public final class WorkflowLifecycle {

    private final WorkflowStore workflows;
    private final TaskStore tasks;
    private final UnitOfWork unitOfWork;
    private final IdSource ids;
    private final InstantSource clock;
    private final WorkSignal signal;
    private final RetryDefaults retryDefaults;
    private final TaskTypes types;
    private final Conditions conditions;
    private final Tracing tracing;

    public WorkflowLifecycle(WorkflowStore workflows, TaskStore tasks, UnitOfWork unitOfWork, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults) {
        this(workflows, tasks, unitOfWork, ids, clock, signal, retryDefaults, null, Conditions.NONE);
    }

    /** @param types the registry whose schemas the steps' params are checked against; {@code null}: none */
    public WorkflowLifecycle(WorkflowStore workflows, TaskStore tasks, UnitOfWork unitOfWork, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults, TaskTypes types) {
        this(workflows, tasks, unitOfWork, ids, clock, signal, retryDefaults, types, Conditions.NONE);
    }

    /**
     * @param types the registry whose schemas the steps' params are checked against; {@code null}: none
     * @param conditions the language of the steps' {@code when} conditions
     */
    public WorkflowLifecycle(WorkflowStore workflows, TaskStore tasks, UnitOfWork unitOfWork, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults, TaskTypes types,
            Conditions conditions) {
        this(workflows, tasks, unitOfWork, ids, clock, signal, retryDefaults, types, conditions, Tracing.NONE);
    }

    /**
     * @param types the registry whose schemas the steps' params are checked against; {@code null}: none
     * @param conditions the language of the steps' {@code when} conditions
     * @param tracing the trace a creation runs in, which the run's steps keep
     */
    public WorkflowLifecycle(WorkflowStore workflows, TaskStore tasks, UnitOfWork unitOfWork, IdSource ids,
            InstantSource clock, WorkSignal signal, RetryDefaults retryDefaults, TaskTypes types,
            Conditions conditions, Tracing tracing) {
        this.tracing = tracing;
        this.types = types;
        this.conditions = conditions;
        this.unitOfWork = unitOfWork;
        this.retryDefaults = retryDefaults;
        this.workflows = workflows;
        this.tasks = tasks;
        this.ids = ids;
        this.clock = clock;
        this.signal = signal;
    }

    /**
     * Creates the workflow and all its steps at once; with auto-start its first steps are pending at once, their
     * params resolved from the input.
     */
    public Uni<Created<WorkflowWithTasks>> create(CreateWorkflowCommand command) {
        Instant now = clock.instant();
        String trace = tracing.currentParent();
        WorkflowId workflowId = new WorkflowId(ids.next());
        WorkflowDefinition definition = command.definition();
        Principal.Client creator = command.creator();
        KeyId owner = creator == null ? null : creator.keyId();
        List<Task> waiting = new ArrayList<>(definition.steps().size());
        for (int i = 0; i < definition.steps().size(); i++) {
            TaskSpec spec = definition.steps().get(i).spec();
            if (creator != null && !Task.APPROVAL_TYPE.equals(spec.type())) {
                creator.checkMayCreate(spec.type(), "steps[" + i + "].type");
            }
            waiting.add(Task.createStep(new TaskId(ids.next()), spec, retryDefaults.resolve(spec.type(),
                    spec.retry()), workflowId, i, false, now).ownedBy(owner));
        }
        List<Task> steps = DagPlan.initial(definition, command.input(), waiting, command.autoStart(), now,
                conditions);
        return Uni.createFrom().voidItem().invoke(() -> {
            if (definition.steps().stream().anyMatch(s -> s.when() != null)) {
                checkConditions(conditions, definition, "steps");
            }
        }).flatMap(ignored -> checkSteps(steps))
                .flatMap(ignored -> store(command, workflowId, definition, traced(steps, trace), owner, now));
    }

    /** Checks every step's {@code when}: a 400 naming the step's {@code when} when it is not a valid condition. */
    public static void checkConditions(Conditions conditions, WorkflowDefinition definition, String list) {
        for (int i = 0; i < definition.steps().size(); i++) {
            String when = definition.steps().get(i).when();
            if (when != null) {
                conditions.check(list + "[" + i + "].when", when, StepDefinition.CONDITION_VARIABLES);
            }
        }
    }

    /**
     * Checks each step of a registered type against its schema, where its params are known now: those without
     * a {@code ${...}} reference left (the first steps' references to the input are resolved already).
     */
    private Uni<Void> checkSteps(List<Task> steps) {
        if (types == null) {
            return Uni.createFrom().voidItem();
        }
        List<TaskTypes.Submission> known = new ArrayList<>();
        for (Task step : steps) {
            if (step.type() != null && !step.isApproval()
                    && StepParams.references("params", step.payload()).isEmpty()) {
                String at = "steps[" + step.workflowPosition() + "]";
                known.add(new TaskTypes.Submission(step.type(), step.payload(), at + ".params", at + ".type"));
            }
        }
        return types.checkAll(known);
    }

    private static List<Task> traced(List<Task> steps, String trace) {
        return trace == null ? steps : steps.stream().map(step -> step.tracedFrom(trace)).toList();
    }

    private Uni<Created<WorkflowWithTasks>> store(CreateWorkflowCommand command, WorkflowId workflowId,
            WorkflowDefinition definition, List<Task> steps, KeyId owner, Instant now) {
        Principal.Client creator = command.creator();
        List<TaskTransitioned> creations = new ArrayList<>(steps.size());
        Actor actor = creator == null ? Actor.api() : creator.actor();
        steps.forEach(step -> creations.add(TaskTransitioned.created(step, actor)));
        Workflow workflow = Workflow.create(workflowId, definition, command.input(), command.metadata(),
                steps.stream().map(Task::id).toList(), command.autoStart(), now).ownedBy(owner);
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

    /** The workflow, if it lies within {@code scope} (see {@link Visibility}). */
    public Uni<Workflow> get(WorkflowId id, KeyId scope) {
        return get(id).invoke(workflow -> Visibility.check(scope, workflow.owner(), "workflow", id));
    }

    public Uni<WorkflowWithTasks> getWithTasks(WorkflowId id) {
        return get(id).flatMap(this::withTasks);
    }

    /** The workflow with its steps, if it lies within {@code scope} (see {@link Visibility}). */
    public Uni<WorkflowWithTasks> getWithTasks(WorkflowId id, KeyId scope) {
        return get(id, scope).flatMap(this::withTasks);
    }

    public Uni<List<Workflow>> list(WorkflowQuery query, PageRequest page) {
        return workflows.list(query, page);
    }

    /** Releases the first steps of a workflow created without auto-start. */
    public Uni<Workflow> start(WorkflowId id) {
        return start(id, null);
    }

    /** Releases the first steps of a workflow within {@code scope} created without auto-start. */
    public Uni<Workflow> start(WorkflowId id, KeyId scope) {
        return ConcurrentRetry.run(() -> getWithTasks(id, scope).flatMap(current -> {
            Instant now = clock.instant();
            Workflow started = current.workflow().start(now).orThrow();
            WorkflowAdvance advance = DagPlan.start(current.workflow(), started, current.tasks(), now,
                    conditions);
            return unitOfWork.apply(TaskChanges.builder().advance(advance).build()).replaceWith(advance.after())
                    .invoke(signal::workMayBeAvailable);
        }));
    }

    /** Deletes a workflow whose steps no bot holds, with all its steps. */
    public Uni<Void> delete(WorkflowId id) {
        return getWithTasks(id).flatMap(current -> {
            long held = current.tasks().stream().filter(t -> t.status().isHeldByBot()).count();
            if (held > 0) {
                return Uni.createFrom()
                        .failure(new InvalidTransitionException(Refusal.HELD_BY_BOT, "Workflow " + id + " has " + held
                                + " step(s) held by a bot; cancel them before deleting the workflow"));
            }
            return workflows.delete(id).replaceWithVoid();
        });
    }

    private Uni<WorkflowWithTasks> withTasks(Workflow workflow) {
        return tasks.findByWorkflow(workflow.id()).map(steps -> new WorkflowWithTasks(workflow, steps));
    }
}
