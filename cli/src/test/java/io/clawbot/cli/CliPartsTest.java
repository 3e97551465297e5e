package io.clawbot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the command that need no coordinator: payloads, problems, tables and the workflow tree. */
class CliPartsTest {

    @TempDir
    Path dir;

    private static BufferedReader stdin(String text) {
        return new BufferedReader(new StringReader(text));
    }

    private static JsonNode json(String text) throws Exception {
        return Api.JSON.readTree(text);
    }

    @Test
    void a_payload_comes_from_json_a_file_or_stdin_and_sets_nest_and_keep_json_types() throws Exception {
        Path file = dir.resolve("payload.json");
        Files.writeString(file, "{\"from\": \"file\"}");
        assertThat(Payloads.object(file.toString(), null, stdin(""), "--payload")).isEqualTo(json(
                "{\"from\": \"file\"}"));
        assertThat(Payloads.object("@" + file, null, stdin(""), "--payload")).isEqualTo(json(
                "{\"from\": \"file\"}"));
        assertThat(Payloads.object("-", null, stdin("{\"from\":\n \"stdin\"}\n"), "--payload")).isEqualTo(json(
                "{\"from\": \"stdin\"}"));
        assertThat(Payloads.object("{\"a\": {\"b\": 1}}", List.of("a.c=true", "n=2.5", "s=x=y", "list=[1,2]",
                "quoted=\"7\"", "empty="), stdin(""), "--payload")).isEqualTo(json(
                        "{\"a\": {\"b\": 1, \"c\": true}, \"n\": 2.5, \"s\": \"x=y\", \"list\": [1, 2],"
                                + " \"quoted\": \"7\", \"empty\": \"\"}"));
        assertThat(Payloads.object(null, null, stdin(""), "--payload")).isEqualTo(json("{}"));
    }

    @Test
    void a_payload_that_is_not_an_object_or_a_set_without_a_name_is_a_usage_error() {
        assertThatThrownBy(() -> Payloads.object("[1]", null, stdin(""), "--payload"))
                .isInstanceOf(CliException.class).hasMessage("--payload must be a JSON object")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThatThrownBy(() -> Payloads.object("nothing-here.json", null, stdin(""), "--payload"))
                .hasMessage("--payload is neither JSON nor a file: nothing-here.json");
        assertThatThrownBy(() -> Payloads.object(null, List.of("=1"), stdin(""), "--payload"))
                .hasMessage("--set takes name=value, not =1");
        assertThatThrownBy(() -> Payloads.object(null, List.of("a..b=1"), stdin(""), "--payload"))
                .hasMessage("--set has an empty name part: a..b");
    }

    @Test
    void a_problem_becomes_one_line_with_the_exit_code_of_its_status() {
        CliException notFound = Api.failure(404, "{\"title\": \"Not Found\", \"status\": 404, \"detail\": "
                + "\"no task 42\"}");
        assertThat(notFound.getMessage()).isEqualTo("no task 42 (404)");
        assertThat(notFound.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        CliException invalid = Api.failure(400, "{\"title\": \"Bad Request\", \"detail\": \"must be at most 100\","
                + " \"field\": \"priority\"}");
        assertThat(invalid.getMessage()).isEqualTo("priority: must be at most 100 (400)");
        assertThat(invalid.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Api.failure(403, "").exitCode()).isEqualTo(ExitCodes.AUTH);
        assertThat(Api.failure(503, "<html>").getMessage()).isEqualTo("the coordinator answered 503 (503)");
        assertThat(Api.failure(503, "<html>").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void a_query_leaves_out_absent_values_and_encodes_the_rest() {
        assertThat(Api.path("/api/v1/tasks", Api.query("status", null, "type", "a b&c", "limit", 5)))
                .isEqualTo("/api/v1/tasks?type=a+b%26c&limit=5");
        assertThat(Api.path("/api/v1/tasks", Api.query("status", null))).isEqualTo("/api/v1/tasks");
        assertThat(Api.segment("a b/c")).isEqualTo("a%20b%2Fc");
    }

    @Test
    void a_table_aligns_its_columns_and_shows_absent_values_as_a_dash() throws Exception {
        StringWriter out = new StringWriter();
        new Table("ID", "STATUS", "TAGS").row("1", json("null"), json("[\"a\", \"b\"]"))
                .row("22", "completed", json("{\"k\": 1}")).print(new PrintWriter(out));
        assertThat(out.toString()).isEqualTo("""
                ID  STATUS     TAGS
                1   -          a,b
                22  completed  {"k":1}
                """);
    }

    @Test
    void a_workflow_is_drawn_as_a_tree_with_branches_and_joins() throws Exception {
        JsonNode withTasks = json("""
                {"workflow": {"id": "w1", "name": "pipeline", "status": "failed"},
                 "definition": {"steps": [
                   {"id": "validate", "type": "validation", "on_success": ["process"], "on_failure": ["alert"]},
                   {"id": "process", "type": "processing", "on_success": "save"},
                   {"id": "save", "type": "integration"},
                   {"id": "alert", "type": "integration", "always_run": true},
                   {"id": "report", "depends_on": ["save", "alert"]}]},
                 "tasks": [
                   {"status": "completed", "bot_id": "b1"},
                   {"status": "failed", "error": "boom"},
                   {"status": "skipped"},
                   {"status": "completed"},
                   {"status": "skipped"}]}
                """);
        StringWriter out = new StringWriter();
        WorkflowGraph.draw(new PrintWriter(out), withTasks, false);
        assertThat(out.toString()).isEqualTo("""
                Workflow w1 pipeline: failed
                validate  [completed]  validation  bot b1
                ├── on success: process  [failed]  processing  error: boom
                │   └── on success: save  [skipped]  integration
                │       └── report  [skipped]  (after save, alert)
                └── on failure: alert  [completed]  integration  (always runs)
                    └── report (see above)
                """);
    }
}
