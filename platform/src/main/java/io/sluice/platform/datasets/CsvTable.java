package io.sluice.platform.datasets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV dataset file read as a header and rows — the one reader ingest (which numbers the rows
 * in the manifest) and training and evaluation (which look them up) share, so a manifest's row
 * numbers always point at the same rows: RFC 4180 quoting within a line (a quoted field cannot
 * span lines), header cells trimmed, empty lines kept as empty rows, a trailing empty line not a
 * row, a UTF-8 BOM ignored.
 *
 * @param header column names
 * @param rows   data rows in file order
 */
public record CsvTable(List<String> header, List<Row> rows) {

    /**
     * One data row.
     *
     * @param index 0-based index among the data lines (the header is not counted)
     * @param cells cells, unquoted; empty for an empty line
     * @param text  the line as written (without its line ending)
     */
    public record Row(int index, List<String> cells, String text) {
        public boolean empty() {
            return text.isBlank();
        }
    }

    /** Parses UTF-8 bytes; a trailing empty line is not a row. */
    public static CsvTable parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        int end = lines.length;
        while (end > 0 && lines[end - 1].isEmpty()) {
            end--;
        }
        if (end == 0) {
            return new CsvTable(List.of(), List.of());
        }
        List<String> header = split(lines[0]).stream().map(String::trim).toList();
        List<Row> rows = new ArrayList<>(end - 1);
        for (int i = 1; i < end; i++) {
            rows.add(new Row(i - 1, lines[i].isBlank() ? List.of() : split(lines[i]), lines[i]));
        }
        return new CsvTable(header, rows);
    }

    /** The values of the given columns in one data row, in the order of {@code columns}. */
    public List<String> values(int row, List<String> columns) {
        if (row < 0 || row >= rows.size()) {
            throw new IllegalArgumentException("row " + row + " does not exist (the file has " + rows.size() + " data rows)");
        }
        List<String> cells = rows.get(row).cells();
        List<String> values = new ArrayList<>(columns.size());
        for (String column : columns) {
            int index = header.indexOf(column);
            if (index < 0) {
                throw new IllegalArgumentException("column '" + column + "' is not in the header " + header);
            }
            if (index >= cells.size()) {
                throw new IllegalArgumentException("row " + row + " has no value for column '" + column + "'");
            }
            values.add(cells.get(index));
        }
        return values;
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
