package io.clawbot.coordinator.adapters.rest.common;

import io.clawbot.coordinator.adapters.rest.access.Caller;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Looks up the subject of a {@link KnownBeforeStreaming} operation before the event stream starts; an unknown id,
 * or one outside the caller's scope, fails here and becomes a 404 problem document.
 */
public class StreamPreconditions {

    private final TaskQueries tasks;
    private final WorkflowLifecycle workflows;
    private final Caller caller;

    public StreamPreconditions(TaskQueries tasks, WorkflowLifecycle workflows, Caller caller) {
        this.tasks = tasks;
        this.workflows = workflows;
        this.caller = caller;
    }

    @ServerRequestFilter
    @KnownBeforeStreaming
    public Uni<Void> subjectExists(ContainerRequestContext request) {
        return Uni.createFrom().deferred(() -> lookUp(request));
    }

    private Uni<Void> lookUp(ContainerRequestContext request) {
        MultivaluedMap<String, String> path = request.getUriInfo().getPathParameters();
        if (path.containsKey("task_id")) {
            return tasks.get(new TaskId(Params.uuid("task_id", path.getFirst("task_id"))), caller.readScope())
                    .replaceWithVoid();
        }
        if (path.containsKey("workflow_id")) {
            return workflows.get(new WorkflowId(Params.uuid("workflow_id", path.getFirst("workflow_id"))),
                    caller.readScope()).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }
}
