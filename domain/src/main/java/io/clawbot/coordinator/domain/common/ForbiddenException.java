package io.clawbot.coordinator.domain.common;

/** The caller is known but may not do this (a submitter key creating a task type outside its list). */
public final class ForbiddenException extends DomainException {

    public ForbiddenException(String code, String message) {
        super(code, message);
    }
}
