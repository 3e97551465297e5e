package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Registers a bot under a unique name with the capabilities it declares.
 *
 * @param capabilities distinct, in the order given; at most {@value #MAX_CAPABILITIES}
 */
public record RegisterBotCommand(String name, List<String> capabilities, Map<String, Object> metadata) {

    /** Capabilities no bot may declare: the types of the coordinator's own steps ({@code clawbot:approval}). */
    public static final String RESERVED_PREFIX = "clawbot:";

    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_CAPABILITIES = 64;

    public RegisterBotCommand {
        name = Names.required("name", name, MAX_NAME_LENGTH);
        if (capabilities == null) {
            capabilities = List.of();
        }
        if (capabilities.size() > MAX_CAPABILITIES) {
            throw new ValidationException("capabilities", "must hold at most " + MAX_CAPABILITIES + " entries");
        }
        List<String> checked = new ArrayList<>(capabilities.size());
        for (int i = 0; i < capabilities.size(); i++) {
            String capability = Names.token("capabilities[" + i + "]", capabilities.get(i));
            if (capability.startsWith(RESERVED_PREFIX)) {
                throw new ValidationException("capabilities[" + i + "]", "'" + RESERVED_PREFIX + "' names are the "
                        + "coordinator's own (an approval step is decided by people, not taken by a bot)");
            }
            checked.add(capability);
        }
        capabilities = List.copyOf(new LinkedHashSet<>(checked));
        metadata = JsonObjects.copyOf(metadata);
    }
}
