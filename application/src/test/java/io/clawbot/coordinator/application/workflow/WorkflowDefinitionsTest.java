package io.clawbot.coordinator.application.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorkflowDefinitionStore;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowDocument;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowDefinitionsTest {

    private final FakeWorld world = new FakeWorld();
    private final FakeWorkflowDefinitionStore store = new FakeWorkflowDefinitionStore();
    private final WorkflowLifecycle lifecycle = new WorkflowLifecycle(world.workflows, world.tasks,
            world.unitOfWork, world.ids, world.clock, world.signal, world.retries);
    private final WorkflowDefinitions definitions = new WorkflowDefinitions(store, lifecycle, world.clock);

    /** A two-step graph: {@code fetch} (type {@code type}) reads the input, {@code report} its result. */
    private static Map<String, Object> document(String name, String type) {
        return Map.of("name", name, "steps", List.of(
                Map.of("id", "fetch", "type", type, "params", Map.of("url", "${input.url}")),
                Map.of("id", "report", "depends_on", "fetch", "params",
                        Map.of("rows", "${steps.fetch.result.rows}"))));
    }

    private DefinitionVersion create(String name, Object document) {
        return definitions.create(name, document, "definition").await().indefinitely();
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().indefinitely();
    }

    @Test
    void a_definition_is_registered_as_version_1_under_its_name_and_keeps_its_own_name_for_runs() {
        DefinitionVersion v1 = create("nightly-etl", document("Nightly ETL", "http"));

        assertThat(v1.name()).isEqualTo("nightly-etl");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.definition().name()).isEqualTo("Nightly ETL");
        assertThat(v1.createdAt()).isEqualTo(FakeWorld.START);
        assertThat(await(definitions.get("nightly-etl", null))).isEqualTo(v1);
    }

    @Test
    void the_registration_name_and_the_documents_name_stand_in_for_each_other() {
        assertThat(create(null, document("data-pipeline", "http")).name()).isEqualTo("data-pipeline");

        Map<String, Object> seed001 = Map.of("workflow", Map.of("jobs", List.of(Map.of("id", "validate"))));
        DefinitionVersion unnamed = create("validation-only", seed001);
        assertThat(unnamed.definition().name()).isEqualTo("validation-only");

        assertThatThrownBy(() -> create(null, seed001)).isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).field()).isEqualTo("name");
        assertThatThrownBy(() -> create(null, document("CI/CD Pipeline", "build")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'CI/CD Pipeline' cannot serve as the registration name");
    }

    @Test
    void a_taken_name_is_a_conflict_and_a_bad_name_is_rejected() {
        create("etl", document("ETL", "http"));

        assertThatThrownBy(() -> create("etl", document("ETL again", "http")))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.code()).isEqualTo("workflow-definition-exists"));
        for (String bad : List.of("", "has space", "a/b", "-dash", "x".repeat(101))) {
            assertThatThrownBy(() -> create(bad, document("ETL", "http"))).as(bad)
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
    }

    @Test
    void an_error_in_the_document_names_its_path_under_the_field_that_holds_it() {
        Map<String, Object> broken = Map.of("name", "broken", "steps", List.of(Map.of("id", "a"),
                Map.of("id", "b", "on_success", "nowhere")));

        assertThatThrownBy(() -> definitions.create("broken", broken, "definition").await().indefinitely())
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo("definition.steps[1].on_success");
                    assertThat(e.getMessage()).isEqualTo("definition.steps[1].on_success: names no step 'nowhere'");
                });
        assertThatThrownBy(() -> definitions.create("broken", broken, "").await().indefinitely())
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("steps[1].on_success"));
        assertThatThrownBy(() -> definitions.create("broken", null, "definition").await().indefinitely())
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.field()).isEqualTo("definition"));
        assertThat(await(store.versions("broken"))).isEmpty();
    }

    @Test
    void a_new_version_takes_the_next_number_and_the_old_ones_stay() {
        create("etl", document("ETL", "http"));
        world.clock.advance(Duration.ofMinutes(5));

        DefinitionVersion v2 = await(definitions.addVersion("etl", document("ETL v2", "ftp"), "definition"));

        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.createdAt()).isEqualTo(FakeWorld.START.plus(Duration.ofMinutes(5)));
        assertThat(await(definitions.get("etl", 1)).definition().name()).isEqualTo("ETL");
        assertThat(await(definitions.get("etl", null)).definition().name()).isEqualTo("ETL v2");
        WorkflowDefinitions.WithVersions all = await(definitions.getWithVersions("etl"));
        assertThat(all.latest()).isEqualTo(v2);
        assertThat(all.versions()).extracting(DefinitionVersion.Header::version).containsExactly(1, 2);
    }

    @Test
    void a_new_version_without_a_name_takes_the_registration_name() {
        create("etl", document("ETL", "http"));

        DefinitionVersion v2 = await(definitions.addVersion("etl", Map.of("steps", List.of(Map.of("id", "one"))),
                ""));

        assertThat(v2.definition().name()).isEqualTo("etl");
    }

    @Test
    void a_new_version_that_lost_the_race_for_its_number_takes_the_next_one() {
        create("etl", document("ETL", "http"));
        store.competeOnNextVersion(WorkflowDocument.parse(document("competitor", "http")));

        DefinitionVersion mine = await(definitions.addVersion("etl", document("mine", "http"), "definition"));

        assertThat(mine.version()).isEqualTo(3);
        assertThat(await(definitions.get("etl", 2)).definition().name()).isEqualTo("competitor");
    }

    @Test
    void unknown_names_and_versions_are_not_found() {
        create("etl", document("ETL", "http"));

        assertThatThrownBy(() -> await(definitions.get("nope", null)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).isEqualTo("workflow-definition-not-found");
                    assertThat(e.getMessage()).isEqualTo("Workflow definition 'nope' does not exist");
                });
        assertThatThrownBy(() -> await(definitions.get("etl", 7)))
                .isInstanceOf(NotFoundException.class).hasMessage("Workflow definition 'etl' has no version 7");
        assertThatThrownBy(() -> await(definitions.getWithVersions("nope"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> await(definitions.addVersion("nope", document("x", "http"), "definition")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> await(definitions.startRun("nope", null, Map.of(), Map.of(), true, null, null)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> await(definitions.get("etl", 0)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("version"));
    }

    @Test
    void a_run_follows_the_requested_version_with_its_input_resolved() {
        create("etl", document("ETL", "http"));
        await(definitions.addVersion("etl", document("ETL v2", "ftp"), "definition"));

        WorkflowWithTasks first = await(definitions.startRun("etl", 1, Map.of("url", "https://example.org/a"),
                Map.of("team", "data"), true, null, null)).resource();
        WorkflowWithTasks latest = await(definitions.startRun("etl", null, Map.of("url", "ftp://b"), Map.of(), false,
                null, null)).resource();

        assertThat(first.workflow().name()).isEqualTo("ETL");
        assertThat(first.workflow().metadata()).isEqualTo(Map.of("team", "data"));
        Task fetch = first.tasks().getFirst();
        assertThat(fetch.type()).isEqualTo("http");
        assertThat(fetch.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(fetch.payload()).isEqualTo(Map.of("url", "https://example.org/a"));
        assertThat(latest.workflow().name()).isEqualTo("ETL v2");
        assertThat(latest.workflow().isStarted()).isFalse();
        assertThat(latest.tasks()).extracting(Task::type).containsExactly("ftp", null);
    }

    @Test
    void the_list_has_each_name_once_with_its_latest_version() {
        create("b-etl", document("B", "http"));
        create("a-etl", document("A", "http"));
        world.clock.advance(Duration.ofMinutes(1));
        await(definitions.addVersion("b-etl", document("B2", "http"), "definition"));

        List<DefinitionSummary> page = await(definitions.list(PageRequest.first(10)));

        assertThat(page).extracting(DefinitionSummary::name).containsExactly("a-etl", "b-etl");
        DefinitionSummary b = page.get(1);
        assertThat(b.latestVersion()).isEqualTo(2);
        assertThat(b.workflowName()).isEqualTo("B2");
        assertThat(b.createdAt()).isEqualTo(FakeWorld.START);
        assertThat(b.updatedAt()).isEqualTo(FakeWorld.START.plus(Duration.ofMinutes(1)));
    }
}
