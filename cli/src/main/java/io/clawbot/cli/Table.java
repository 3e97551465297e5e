package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row and rows of cells, each column as wide as its widest cell (up to a limit). */
final class Table {

    private static final int MAX_WIDTH = 60;

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell(cell));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.min(MAX_WIDTH, Math.max(widths[c], row.get(c).length()));
            }
        }
        line(out, header, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (cell.length() > widths[c]) {
                cell = cell.substring(0, widths[c] - 1) + "…";
            }
            line.append(cell);
            if (c < cells.size() - 1) {
                line.append(" ".repeat(widths[c] - cell.length() + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }

    /** A cell's text: JSON text as itself, other JSON compact, {@code null} and JSON null as "-". */
    static String cell(Object value) {
        if (value == null) {
            return "-";
        }
        if (value instanceof JsonNode node) {
            if (node.isNull() || node.isMissingNode()) {
                return "-";
            }
            if (node.isTextual()) {
                return node.asText();
            }
            if (node.isArray() && node.size() > 0 && node.get(0).isTextual()) {
                List<String> items = new ArrayList<>();
                node.forEach(item -> items.add(item.asText()));
                return String.join(",", items);
            }
            return node.toString();
        }
        return String.valueOf(value);
    }

    /** Prints {@code fields} of {@code node} as "name: value" lines, names aligned. */
    static void fields(PrintWriter out, JsonNode node, String... fields) {
        int width = 0;
        for (String field : fields) {
            width = Math.max(width, field.length());
        }
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            out.println(field + ":" + " ".repeat(width - field.length() + 1) + cell(value));
        }
        out.flush();
    }
}
