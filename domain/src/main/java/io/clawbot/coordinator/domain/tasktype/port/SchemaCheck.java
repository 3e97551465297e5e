package io.clawbot.coordinator.domain.tasktype.port;

import io.clawbot.coordinator.domain.common.ValidationException.Violation;
import java.util.List;
import java.util.Map;

/** JSON Schema (2020-12) checks. */
public interface SchemaCheck {

    /**
     * Refuses a schema that is not a valid JSON Schema, or that refers to anything outside itself; the failure
     * names {@code field}.
     */
    void requireValidSchema(String field, Map<String, Object> schema);

    /** Every way {@code document} breaks {@code schema}; empty when it satisfies it. */
    List<Violation> violations(Map<String, Object> schema, Object document);
}
