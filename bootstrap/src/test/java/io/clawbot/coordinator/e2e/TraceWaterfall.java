package io.clawbot.coordinator.e2e;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws one trace as a waterfall (SVG): a row per span in start order, indented under its parent, its bar placed
 * on the trace's time line; the coordinator's spans and the bot's in two colours. {@code docs/workflow-trace.svg}
 * is what {@link TraceTest} draws of a workflow run.
 */
final class TraceWaterfall {

    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("clawbot.task.id");
    private static final AttributeKey<Long> POSITION = AttributeKey.longKey("clawbot.workflow.position");
    private static final int ROW = 22;
    private static final int LABEL = 430;
    private static final int BARS = 620;

    private TraceWaterfall() {
    }

    /** @param bot the spans the bot recorded (drawn in their own colour) */
    static void write(Path file, String title, List<SpanData> coordinator, List<SpanData> bot) throws IOException {
        List<SpanData> all = new ArrayList<>(coordinator);
        all.addAll(bot);
        all.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        Map<String, SpanData> byId = new HashMap<>();
        all.forEach(s -> byId.put(s.getSpanId(), s));
        // A step's spans are labelled with its place in the workflow (the bot's, through the task id).
        Map<String, Long> positions = new HashMap<>();
        coordinator.forEach(s -> {
            Long position = s.getAttributes().get(POSITION);
            if (position != null) {
                positions.put(s.getAttributes().get(TASK_ID), position);
            }
        });
        long start = all.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(0);
        long end = all.stream().mapToLong(SpanData::getEndEpochNanos).max().orElse(start + 1);
        double scale = BARS / (double) Math.max(1, end - start);
        int height = 60 + ROW * all.size();
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(LABEL + BARS + 90)
                .append("\" height=\"").append(height).append("\">\n")
                .append("<style>text{font-family:Inter,Helvetica,Arial,sans-serif;font-size:11px;fill:#1f2328}"
                        + ".t{font-size:13px;font-weight:600}.d{fill:#57606a}</style>\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
                .append("<text x=\"10\" y=\"20\" class=\"t\">").append(escape(title)).append("</text>\n")
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"40\" class=\"d\">0 ms</text>"
                        + "<text x=\"%d\" y=\"40\" class=\"d\" text-anchor=\"end\">%.1f ms</text>%n", LABEL,
                        LABEL + BARS, (end - start) / 1e6));
        int y = 50;
        for (SpanData span : all) {
            int depth = 0;
            for (SpanData p = byId.get(span.getParentSpanId()); p != null && depth < 8; p = byId
                    .get(p.getParentSpanId())) {
                depth++;
            }
            boolean fromBot = bot.contains(span);
            double x = LABEL + (span.getStartEpochNanos() - start) * scale;
            double w = Math.max(2, (span.getEndEpochNanos() - span.getStartEpochNanos()) * scale);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", 10 + depth * 14, y + 14,
                    escape(label(span, positions) + (fromBot ? "  (bot)" : ""))));
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" rx=\"2\" fill=\"%s\"/>", x, y + 3, w,
                    fromBot ? "#bf8700" : "#0969da"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"d\">%.2f ms</text>%n",
                    x + w + 4, y + 14,
                    (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
            y += ROW;
        }
        svg.append("</svg>\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, svg);
    }

    private static String label(SpanData span, Map<String, Long> positions) {
        Long position = positions.get(span.getAttributes().get(TASK_ID));
        String name = span.getName().startsWith("clawbot.") ? span.getName().split(" ")[0] : span.getName();
        return position == null ? name : name + " · step " + (position + 1);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
