package io.clawbot.coordinator.botclient;

/** One task attempt. */
record TaskKey(String taskId, int attempt) {

    /** Whether this is {@code taskId}'s attempt {@code attempt}, or any of its attempts when that is -1. */
    boolean matches(String otherTaskId, int otherAttempt) {
        return taskId.equals(otherTaskId) && (otherAttempt < 0 || attempt == otherAttempt);
    }

    @Override
    public String toString() {
        return taskId + "#" + attempt;
    }
}
