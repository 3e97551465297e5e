package io.clawbot.coordinator.adapters.rest.common;

import io.clawbot.coordinator.domain.common.NulCharacters;
import io.clawbot.coordinator.domain.common.ValidationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Refuses a request body that would carry the NUL character into a string (raw, or as a JSON or YAML
 * {@code \u0000} escape) before anything parses it: one linear scan of a body that is already in memory (its size
 * is bounded by {@code coordinator.api.max-body-bytes}). YAML's own escapes for it are refused where YAML is read.
 */
@Provider
public class NulInBodies implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        if (NulCharacters.inJsonBytes(body, body.length)) {
            throw new ValidationException("body", "strings " + NulCharacters.MESSAGE);
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }
}
