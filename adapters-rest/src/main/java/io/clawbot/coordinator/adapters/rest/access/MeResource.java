package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.domain.access.Principal;
import io.clawbot.coordinator.domain.access.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who the caller is, and what its role lets it do, so that a front end shows only the actions that would not
 * answer 403. The action list mirrors the operations' allowed roles; a test checks each action against the
 * operation it stands for.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Keys", description = "API keys for HTTP clients and their roles")
public class MeResource {

    /** What each role may do, by the name the answer gives it. */
    static final Map<Role, List<String>> ACTIONS = new EnumMap<>(Map.of(
            Role.ADMIN, List.of("submit", "cancel", "redrive", "drain_bots", "register_bots", "rotate_bot_tokens",
                    "manage_keys", "manage_schedules", "manage_definitions", "pause_dispatch", "read_audit"),
            Role.OPERATOR, List.of("submit", "cancel", "redrive", "drain_bots", "manage_schedules",
                    "manage_definitions", "pause_dispatch"),
            Role.SUBMITTER, List.of("submit"),
            Role.READER, List.of()));

    private final Caller caller;

    public MeResource(Caller caller) {
        this.caller = caller;
    }

    @GET
    @RolesAllowed({ Roles.ADMIN, Roles.OPERATOR, Roles.READER, Roles.SUBMITTER, Roles.BOT })
    @Operation(operationId = "getCaller", summary = "Who the caller is: its key's name and role and what that role may do, or its bot", description = "For a key: its id, name, role, the task types it may create (empty: any), whether it reads all work or only its own, and the actions its role allows (submit, cancel, redrive, drain_bots, register_bots, rotate_bot_tokens, manage_keys, manage_schedules, manage_definitions, pause_dispatch, read_audit). For a bot's token: the bot's id, and no actions.")
    @APIResponse(responseCode = "200", description = "The caller", content = @Content(schema = @Schema(implementation = CallerResponse.class)))
    public CallerResponse get() {
        return CallerResponse.of(caller.principal());
    }

    // @formatter:off
    @Schema(name = "Caller", requiredProperties = { "kind", "task_types", "reads_all", "may" })
    public record CallerResponse(
            @Schema(description = "key or bot", enumeration = { "key", "bot" }) String kind,
            @Schema(description = "The key's id; null for a bot") UUID keyId,
            @Schema(description = "The key's name; null for a bot") String name,
            @Schema(description = "The key's role; null for a bot", enumeration = { "admin", "operator", "submitter", "reader" }) String role,
            @Schema(description = "The bot's id; null for a key") UUID botId,
            @Schema(description = "The only task types the key may create; empty means any") List<String> taskTypes,
            @Schema(description = "Whether the caller reads all work, or only what its key created") boolean readsAll,
            @Schema(description = "The actions the caller's role allows") List<String> may) {
        // @formatter:on

        static CallerResponse of(Principal principal) {
            return switch (principal) {
                case Principal.Client c -> new CallerResponse("key", c.keyId().value(), c.name(), c.role().wire(),
                        null, c.taskTypes(), c.role().readsAll(), ACTIONS.get(c.role()));
                case Principal.Bot b -> new CallerResponse("bot", null, null, null, b.botId().value(), List.of(),
                        false, List.of());
            };
        }
    }
}
