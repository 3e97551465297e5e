package io.clawbot.coordinator.domain.common;

/**
 * Why a lifecycle step was refused, as a kind that adapters turn into their own codes (a problem type, a
 * WebSocket error code) without reading the human detail.
 */
public enum Refusal {
    /** A report names an attempt other than the task's current one: it is about an attempt that is over. */
    STALE_ATTEMPT("stale-attempt"),
    /** A report names a bot other than the one the task is assigned to. */
    NOT_ASSIGNED("not-assigned"),
    /** The task or workflow has ended; nothing more happens to it. */
    ALREADY_ENDED("already-ended"),
    /** The current status does not allow the step (starting a pending task, assigning a running one, ...). */
    WRONG_STATUS("invalid-transition"),
    /** The bot lacks the capability the task's type needs. */
    MISSING_CAPABILITY("missing-capability"),
    /** A deadline or lease has not passed yet by this clock. */
    NOT_DUE("not-due"),
    /** A workflow's step cannot be redriven or deleted on its own. */
    WORKFLOW_STEP("workflow-step"),
    /** A bot holds the task (or a step of the workflow); it must be cancelled first. */
    HELD_BY_BOT("held-by-bot"),
    /** The workflow was started already. */
    ALREADY_STARTED("already-started"),
    /** The bot is offline; it must send a heartbeat first. */
    BOT_OFFLINE("bot-offline");

    private final String code;

    Refusal(String code) {
        this.code = code;
    }

    /** The stable, lower-kebab-case code of this kind of refusal. */
    public String code() {
        return code;
    }
}
