package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow's steps drawn as a tree in the terminal: each step under the steps it follows ({@code depends_on}, or
 * a branch's {@code on_success} / {@code on_failure}), with its state, type and bot. A step that follows several is
 * drawn in full under the first and named ("see above") under the others.
 */
final class WorkflowGraph {

    private record Edge(String to, String label) {
    }

    private final Map<String, JsonNode> steps = new LinkedHashMap<>();
    private final Map<String, JsonNode> tasks = new LinkedHashMap<>();
    private final Map<String, List<Edge>> children = new LinkedHashMap<>();
    private final Map<String, List<String>> parents = new LinkedHashMap<>();
    private final boolean color;

    private WorkflowGraph(JsonNode withTasks, boolean color) {
        this.color = color;
        JsonNode definition = withTasks.path("definition");
        JsonNode stepList = definition.path("steps");
        JsonNode taskList = withTasks.path("tasks");
        for (int i = 0; i < stepList.size(); i++) {
            JsonNode step = stepList.get(i);
            String id = step.path("id").asText("step-" + (i + 1));
            steps.put(id, step);
            tasks.put(id, taskList.path(i));
            children.put(id, new ArrayList<>());
            parents.put(id, new ArrayList<>());
        }
        for (Map.Entry<String, JsonNode> entry : steps.entrySet()) {
            String id = entry.getKey();
            for (String before : names(entry.getValue().get("depends_on"))) {
                edge(before, id, "");
            }
            for (String next : names(entry.getValue().get("on_success"))) {
                edge(id, next, "on success: ");
            }
            for (String next : names(entry.getValue().get("on_failure"))) {
                edge(id, next, "on failure: ");
            }
        }
    }

    /** Draws the answer of {@code GET /api/v1/workflows/{id}/tasks}. */
    static void draw(PrintWriter out, JsonNode withTasks, boolean color) {
        JsonNode workflow = withTasks.path("workflow");
        out.println("Workflow " + workflow.path("id").asText() + " " + workflow.path("name").asText() + ": "
                + workflow.path("status").asText());
        new WorkflowGraph(withTasks, color).print(out);
        out.flush();
    }

    private void edge(String from, String to, String label) {
        if (children.containsKey(from) && parents.containsKey(to)) {
            children.get(from).add(new Edge(to, label));
            parents.get(to).add(from);
        }
    }

    private void print(PrintWriter out) {
        Set<String> drawn = new HashSet<>();
        List<String> roots = steps.keySet().stream().filter(id -> parents.get(id).isEmpty()).toList();
        for (String root : roots) {
            out.println(line(root, ""));
            drawn.add(root);
            below(out, root, "", drawn);
        }
        // Steps in a cycle of branches only (no root reaches them) would otherwise be left out.
        for (String id : steps.keySet()) {
            if (drawn.add(id)) {
                out.println(line(id, ""));
                below(out, id, "", drawn);
            }
        }
    }

    private void below(PrintWriter out, String id, String indent, Set<String> drawn) {
        List<Edge> next = children.get(id);
        for (int i = 0; i < next.size(); i++) {
            Edge edge = next.get(i);
            boolean last = i == next.size() - 1;
            String branch = indent + (last ? "└── " : "├── ");
            if (!drawn.add(edge.to())) {
                out.println(branch + edge.label() + edge.to() + " (see above)");
                continue;
            }
            out.println(branch + line(edge.to(), edge.label()));
            below(out, edge.to(), indent + (last ? "    " : "│   "), drawn);
        }
    }

    private String line(String id, String label) {
        JsonNode step = steps.get(id);
        JsonNode task = tasks.get(id);
        String status = task.path("status").asText("?");
        StringBuilder line = new StringBuilder(label).append(id).append("  ").append(paint(status));
        if (step.path("type").isTextual()) {
            line.append("  ").append(step.get("type").asText());
        }
        if (step.path("kind").isTextual() && !"task".equals(step.get("kind").asText())) {
            line.append("  (").append(step.get("kind").asText()).append(")");
        }
        if (step.path("always_run").asBoolean(false)) {
            line.append("  (always runs)");
        }
        List<String> after = parents.get(id);
        if (after.size() > 1) {
            line.append("  (after ").append(String.join(", ", after)).append(")");
        }
        if (task.path("bot_id").isTextual()) {
            line.append("  bot ").append(task.get("bot_id").asText());
        }
        if (task.path("error").isTextual()) {
            line.append("  error: ").append(task.get("error").asText());
        }
        return line.toString();
    }

    private String paint(String status) {
        String text = "[" + status + "]";
        if (!color) {
            return text;
        }
        String code = switch (status) {
            case "completed" -> "32";
            case "failed", "timed_out" -> "31";
            case "assigned", "in_progress" -> "33";
            case "cancelled", "skipped" -> "90";
            default -> "0";
        };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    private static List<String> names(JsonNode value) {
        List<String> names = new ArrayList<>();
        if (value == null || value.isNull()) {
            return names;
        }
        if (value.isTextual()) {
            names.add(value.asText());
        } else if (value.isArray()) {
            value.forEach(item -> names.add(item.asText()));
        }
        return names;
    }
}
