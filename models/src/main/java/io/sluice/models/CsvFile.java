package io.sluice.models;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV dataset file read the way ingest reads it, so a manifest's row numbers point at the same
 * rows: RFC 4180 quoting within a line, a header line, data rows numbered from 0, empty lines
 * kept as empty rows, a trailing empty line not a row, a UTF-8 BOM ignored.
 *
 * @param header column names (trimmed)
 * @param rows   cells of each data row, in file order (empty list for an empty line)
 */
public record CsvFile(List<String> header, List<List<String>> rows) {

    /** Parses UTF-8 bytes. */
    public static CsvFile parse(byte[] content) {
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
            return new CsvFile(List.of(), List.of());
        }
        List<String> header = split(lines[0]).stream().map(String::trim).toList();
        List<List<String>> rows = new ArrayList<>(end - 1);
        for (int i = 1; i < end; i++) {
            rows.add(lines[i].isBlank() ? List.of() : split(lines[i]));
        }
        return new CsvFile(header, rows);
    }

    /** The values of the given columns in one data row, in the order of {@code columns}. */
    public List<String> values(int row, List<String> columns) {
        if (row < 0 || row >= rows.size()) {
            throw new IllegalArgumentException("row " + row + " does not exist (the file has " + rows.size() + " data rows)");
        }
        List<String> cells = rows.get(row);
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
