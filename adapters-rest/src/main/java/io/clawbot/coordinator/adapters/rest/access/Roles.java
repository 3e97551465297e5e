package io.clawbot.coordinator.adapters.rest.access;

/**
 * The role names {@code @RolesAllowed} speaks: a client key's role, or {@code bot} for a bot's own token. Every
 * endpoint names its roles (unannotated endpoints are denied); the table is in docs/access-control.md.
 */
public final class Roles {

    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String SUBMITTER = "submitter";
    public static final String READER = "reader";
    public static final String BOT = "bot";

    private Roles() {
    }
}
