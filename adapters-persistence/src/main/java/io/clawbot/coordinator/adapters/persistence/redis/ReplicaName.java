package io.clawbot.coordinator.adapters.persistence.redis;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * This replica's name among the others: its host name (in Kubernetes, the pod's name) and a random suffix, so
 * that two processes on one host, or a restarted pod that keeps its name, are never taken for each other.
 */
@ApplicationScoped
public class ReplicaName {

    private final String name;

    public ReplicaName() {
        String host = System.getenv("HOSTNAME");
        this.name = (host == null || host.isBlank() ? "replica" : host.strip()) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    public String value() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
