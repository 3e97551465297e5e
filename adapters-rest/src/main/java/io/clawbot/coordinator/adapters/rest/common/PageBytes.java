package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.domain.common.PageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a page of a list as a JSON array no larger than {@code coordinator.api.max-page-bytes}: tasks carry
 * payloads and results of up to a megabyte each, so 500 of them could make an answer of hundreds of megabytes. A
 * page cut short keeps at least one item and says where the rest begins, as {@code Link: <...offset=n>;
 * rel="next"}. Each item is serialised once, straight into the answer.
 */
@ApplicationScoped
public class PageBytes {

    private final ObjectMapper json;
    private final ApiConfig config;

    public PageBytes(ObjectMapper json, ApiConfig config) {
        this.json = json;
        this.config = config;
    }

    public <T> Response page(List<T> items, Function<T, ?> view, PageRequest page, UriInfo uri) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        int written = 0;
        try {
            for (T item : items) {
                byte[] bytes = json.writeValueAsBytes(view.apply(item));
                if (written > 0 && out.size() + bytes.length + 2 > config.maxPageBytes()) {
                    break;
                }
                if (written > 0) {
                    out.write(',');
                }
                out.writeBytes(bytes);
                written++;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a page", e);
        }
        out.write(']');
        Response.ResponseBuilder answer = Response.ok(new String(out.toByteArray(), StandardCharsets.UTF_8),
                MediaType.APPLICATION_JSON);
        if (written < items.size()) {
            // A path and query, never the client's Host.
            java.net.URI next = uri.getRequestUriBuilder().replaceQueryParam("offset", page.offset() + written)
                    .build();
            answer.header("Link", "<" + next.getRawPath() + "?" + next.getRawQuery() + ">; rel=\"next\"");
        }
        return answer.build();
    }
}
