package io.clawbot.coordinator.domain.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionVersionTest {

    @Test
    void a_registration_name_is_a_token_that_can_be_a_url_segment() {
        for (String good : List.of("data-pipeline", "ci.cd_v2", "team:etl", "x".repeat(100))) {
            assertThat(DefinitionVersion.checkName("name", good)).isEqualTo(good);
        }
        for (String bad : List.of("", " ", "has space", "-leading", "a/b", "x".repeat(101), "ü")) {
            assertThatThrownBy(() -> DefinitionVersion.checkName("name", bad)).as(bad)
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.field()).isEqualTo("name"));
        }
        assertThatThrownBy(() -> DefinitionVersion.checkName("name", null)).isInstanceOf(ValidationException.class);
    }

    @Test
    void a_not_found_error_can_carry_its_own_detail() {
        NotFoundException e = NotFoundException.described("workflow-definition", "Workflow definition 'x' has no "
                + "version 2");

        assertThat(e.code()).isEqualTo("workflow-definition-not-found");
        assertThat(e.getMessage()).isEqualTo("Workflow definition 'x' has no version 2");
    }
}
