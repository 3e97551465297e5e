package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clawbot.coordinator.bootstrap.metrics.QueueMetrics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring that {@code deploy/kubernetes/monitoring} ships: its alert rules pass {@code promtool check rules}
 * and their unit tests, the manifests render with {@code kubectl kustomize}, and every metric the rules and the
 * Grafana dashboard name is one this service exports (scraped from the running service after some work).
 * promtool comes with Debian's {@code prometheus} package and kubectl with {@code kubernetes-client}; {@code .ci/run}
 * installs them where they are missing.
 */
@QuarkusTest
class DeployMonitoringTest {

    private static final Path MONITORING = Path.of("..", "deploy", "kubernetes", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\bclawbot_[a-z0-9_]+");

    @Inject
    QueueMetrics queue;

    @Test
    void the_alert_rules_pass_promtool_and_their_unit_tests(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        JsonNode rule = new YAMLMapper().readTree(MONITORING.resolve("prometheusrule.yaml").toFile());
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        Path rules = dir.resolve("alerts.rules.yaml");
        new YAMLMapper().writeValue(rules.toFile(), rule.path("spec"));
        Files.copy(MONITORING.resolve("tests").resolve("alerts.test.yaml"), dir.resolve("alerts.test.yaml"));

        assertThat(run(dir, "promtool", "check", "rules", rules.toString())).contains("SUCCESS");
        assertThat(run(dir, "promtool", "test", "rules", dir.resolve("alerts.test.yaml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void the_manifests_render_with_kustomize() throws Exception {
        String base = run(Path.of(".."), "kubectl", "kustomize", "deploy/kubernetes");
        assertThat(base).contains("kind: Deployment").contains("name: CLAWBOT_LOG_FORMAT");
        String monitoring = run(Path.of(".."), "kubectl", "kustomize", "deploy/kubernetes/monitoring");
        assertThat(monitoring).contains("kind: PodMonitor").contains("kind: PrometheusRule")
                .contains("name: clawbot-coordinator-dashboard").contains("grafana_dashboard: \"1\"")
                .contains("namespace: clawbot");
    }

    @Test
    void every_metric_the_dashboard_and_the_rules_use_is_one_the_service_exports() throws Exception {
        work();
        Set<String> exported = exported();
        Set<String> used = new TreeSet<>();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(used).as("metrics the dashboard and the rules name").hasSizeGreaterThan(15);
        assertThat(exported).as("what the service exports").containsAll(used);
    }

    /** Every PromQL expression of the rules and of the dashboard's panels. */
    private static List<String> expressions() throws IOException {
        List<String> out = new ArrayList<>();
        new YAMLMapper().readTree(MONITORING.resolve("prometheusrule.yaml").toFile()).path("spec").path("groups")
                .forEach(group -> group.path("rules").forEach(rule -> out.add(rule.path("expr").asText())));
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("dashboard.json").toFile());
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> out.add(target.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(variable -> {
            if ("query".equals(variable.path("type").asText())) {
                out.add(variable.path("definition").asText());
            }
        });
        assertThat(out).allSatisfy(expr -> assertThat(expr).isNotBlank());
        return out;
    }

    /** The sample names on /q/metrics (histograms' _bucket, _count and _sum included). */
    private static Set<String> exported() {
        String text = given().port(ServiceApiTest.managementPort()).noFiltersOfType(AsAdmin.class).when()
                .get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** A task completed, one dead-lettered, a frame refused, a type waiting with no bot: every series exists. */
    private void work() throws Exception {
        String type = Fixtures.unique("monitored");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("monitored-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            for (boolean success : new boolean[]{ true, false }) {
                String task = given().contentType(ContentType.JSON).body(Map.of("type", type, "retry",
                        Map.of("max_attempts", 1))).when().post("/api/v1/tasks").then().statusCode(201).extract()
                        .path("id");
                bot.next("task_assigned");
                bot.send("task_accepted", Map.of("task_id", task, "attempt", 1));
                bot.next("task_ack");
                bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", success));
                bot.next("task_ack");
            }
            bot.send("launch_rockets", Map.of());
            bot.next("error");
        }
        given().contentType(ContentType.JSON).body(Map.of("type", Fixtures.unique("unserved")))
                .when().post("/api/v1/tasks").then().statusCode(201);
        Thread.sleep(1100); // the status is read at most once a second
        queue.refreshNow().await().atMost(Duration.ofSeconds(10));
        WorkMetricsTest.eventually(() -> assertThat(exported()).contains("clawbot_ws_sessions_closed_total"));
    }

    /** Runs a command in {@code dir}; fails with its output unless it exits 0. */
    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is not installed: .ci/run installs it (Debian packages "
                    + "prometheus for promtool, kubernetes-client for kubectl)", e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + text).isZero();
        return text;
    }
}
