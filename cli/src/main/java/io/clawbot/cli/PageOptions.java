package io.clawbot.cli;

import picocli.CommandLine.Option;

/** {@code --limit} and {@code --offset} of the list commands: one page of the API's answer. */
final class PageOptions {

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "At most N rows (default ${DEFAULT-VALUE}; the API's pages go up to 500).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "Skip the first N rows.")
    int offset;

    /** The path with this page's parameters after {@code query}'s (name/value pairs; null values left out). */
    String path(String path, Object... query) {
        var parameters = Api.query(query);
        parameters.put("limit", limit);
        parameters.put("offset", offset);
        return Api.path(path, parameters);
    }
}
