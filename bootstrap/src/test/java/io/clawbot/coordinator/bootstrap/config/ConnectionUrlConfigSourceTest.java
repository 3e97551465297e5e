package io.clawbot.coordinator.bootstrap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionUrlConfigSourceTest {

    private static Map<String, String> datasource(String url) {
        return ConnectionUrlConfigSource.datasource(url);
    }

    @Test
    void a_plain_url_gives_the_reactive_and_jdbc_urls_user_and_password() {
        Map<String, String> props = datasource("postgresql://clawbot:secret@db.internal:5432/clawbot?sslmode=require");

        assertThat(props).containsEntry("quarkus.datasource.reactive.url",
                "postgresql://db.internal:5432/clawbot?sslmode=require")
                .containsEntry("quarkus.datasource.jdbc.url",
                        "jdbc:postgresql://db.internal:5432/clawbot?sslmode=require")
                .containsEntry("quarkus.datasource.username", "clawbot")
                .containsEntry("quarkus.datasource.password", "secret");
    }

    @Test
    void a_plus_in_the_password_stays_a_plus() {
        assertThat(datasource("postgresql://app:a+b+c@db:5432/x")).containsEntry("quarkus.datasource.password",
                "a+b+c");
    }

    @Test
    void percent_encoded_reserved_characters_are_decoded_in_user_and_password() {
        Map<String, String> props = datasource("postgres://us%40er:p%3Aw%2Fd%2B%25%20x@db/app");

        assertThat(props).containsEntry("quarkus.datasource.username", "us@er")
                .containsEntry("quarkus.datasource.password", "p:w/d+% x");
    }

    @Test
    void a_user_without_a_password_sets_no_password() {
        assertThat(datasource("postgresql://reader@db/app")).containsEntry("quarkus.datasource.username", "reader")
                .doesNotContainKey("quarkus.datasource.password");
    }

    @Test
    void a_malformed_escape_is_refused_without_echoing_the_secret() {
        assertThatThrownBy(() -> datasource("postgresql://app:s3cr%zzet@db/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL is not a URL")
                .hasMessageNotContaining("s3cr");
    }

    @Test
    void a_jdbc_prefix_is_accepted_and_another_scheme_refused() {
        assertThat(datasource("jdbc:postgresql://db/app")).containsEntry("quarkus.datasource.reactive.url",
                "postgresql://db/app");
        assertThatThrownBy(() -> datasource("mysql://db/app")).hasMessageContaining("must start with postgresql://");
    }
}
