package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem document. {@code type} is stable per kind of failure; {@code field} names the offending
 * input field when there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details", requiredProperties = { "type", "title", "status",
        "detail" })
public record Problem(
        @Schema(description = "Stable identifier of the kind of problem", example = "urn:clawbot:problem:task-not-found") String type,
        @Schema(description = "Short summary of the kind of problem") String title,
        @Schema(description = "HTTP status code") int status,
        @Schema(description = "What went wrong in this request") String detail,
        @Schema(description = "The request path") String instance,
        @Schema(description = "The input field at fault, when there is one") String field,
        @Schema(description = "For a document checked against a JSON Schema (a task type's payload schema): every violation, each with its place in the document") List<Violation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:clawbot:problem:";

    /** One way a document breaks a schema. */
    @Schema(name = "ProblemViolation", requiredProperties = { "pointer", "message" })
    public record Violation(
            @Schema(description = "Where in the document, as a JSON Pointer (RFC 6901); empty for the document itself") String pointer,
            @Schema(description = "What is wrong there") String message) {
    }

    public static Problem of(String code, String title, int status, String detail, String instance, String field) {
        return new Problem(TYPE_PREFIX + code, title, status, detail, instance, field, null);
    }

    /** The problem with the violations of a schema check; none gives no {@code errors}. */
    public Problem withErrors(List<Violation> violations) {
        return new Problem(type, title, status, detail, instance, field,
                violations == null || violations.isEmpty() ? null : List.copyOf(violations));
    }
}
