package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.workflow.DefinitionSummary;
import io.clawbot.coordinator.domain.workflow.DefinitionVersion;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.port.WorkflowDefinitionStore;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Workflow definitions in memory with the port's contract: names unique, versions numbered from 1 without gaps.
 * A test can stage a lost race: the next new version finds its number taken, as when another writer got there
 * first.
 */
public final class FakeWorkflowDefinitionStore implements WorkflowDefinitionStore {

    private final Map<String, List<DefinitionVersion>> rows = new TreeMap<>();
    private final Deque<WorkflowDefinition> competitors = new ArrayDeque<>();

    /** Before the next new version is numbered, another writer stores {@code competitor} as a version. */
    public synchronized FakeWorkflowDefinitionStore competeOnNextVersion(WorkflowDefinition competitor) {
        competitors.add(competitor);
        return this;
    }

    @Override
    public Uni<DefinitionVersion> create(String name, WorkflowDefinition definition, Instant now) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                if (rows.containsKey(name)) {
                    throw new ConflictException("workflow-definition-exists", "taken: " + name);
                }
                DefinitionVersion first = new DefinitionVersion(name, 1, definition, now);
                rows.put(name, new ArrayList<>(List.of(first)));
                return first;
            }
        });
    }

    @Override
    public Uni<DefinitionVersion> addVersion(String name, WorkflowDefinition definition, Instant now) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                List<DefinitionVersion> versions = rows.get(name);
                if (versions == null) {
                    return null;
                }
                int next = versions.size() + 1;
                WorkflowDefinition competitor = competitors.poll();
                if (competitor != null) {
                    versions.add(new DefinitionVersion(name, next, competitor, now));
                    throw ConflictException.concurrentModification("Workflow definition '" + name + "'");
                }
                DefinitionVersion added = new DefinitionVersion(name, next, definition, now);
                versions.add(added);
                return added;
            }
        });
    }

    @Override
    public Uni<DefinitionVersion> find(String name, Integer version) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                List<DefinitionVersion> versions = rows.get(name);
                if (versions == null) {
                    return null;
                }
                if (version == null) {
                    return versions.getLast();
                }
                return version <= versions.size() ? versions.get(version - 1) : null;
            }
        });
    }

    @Override
    public Uni<List<DefinitionSummary>> list(PageRequest page) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return rows.values().stream().skip(page.offset()).limit(page.limit())
                        .map(v -> new DefinitionSummary(v.getLast().name(), v.getLast().version(),
                                v.getLast().definition().name(), v.getLast().definition().description(),
                                v.getFirst().createdAt(), v.getLast().createdAt()))
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<DefinitionVersion.Header>> versions(String name) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return rows.getOrDefault(name, List.of()).stream()
                        .map(v -> new DefinitionVersion.Header(v.version(), v.createdAt()))
                        .toList();
            }
        });
    }
}
