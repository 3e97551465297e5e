package io.clawbot.coordinator.adapters.rest.workflow;

import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowResponse;
import io.clawbot.coordinator.adapters.rest.workflow.WorkflowDtos.WorkflowTasksResponse;
import io.clawbot.coordinator.application.workflow.WorkflowWithTasks;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One client's stream of a workflow: the events each new state of the workflow and its steps makes new. */
final class WorkflowStream {

    private final Sse sse;
    private final Map<TaskId, Object> seen = new HashMap<>();
    private long version = -1;

    WorkflowStream(Sse sse) {
        this.sse = sse;
    }

    List<OutboundSseEvent> events(WorkflowWithTasks state) {
        List<OutboundSseEvent> events = new ArrayList<>();
        boolean first = version < 0;
        if (first) {
            events.add(event("workflow", WorkflowTasksResponse.of(state)));
        }
        for (Task step : state.tasks()) {
            Object now = Arrays.asList(step.status(), step.progress() == null ? null : step.progress().reportedAt());
            if (!now.equals(seen.put(step.id(), now)) && !first) {
                events.add(event("step", TaskResponse.of(step)));
            }
        }
        if (!first && state.workflow().version() != version) {
            events.add(event("workflow", WorkflowResponse.of(state.workflow())));
        }
        version = state.workflow().version();
        if (state.workflow().status().isTerminal()) {
            events.add(event("end", WorkflowTasksResponse.of(state)));
        }
        return events;
    }

    private OutboundSseEvent event(String name, Object data) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(data).build();
    }
}
