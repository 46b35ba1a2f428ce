package io.sluice.inference.web;

import java.util.ArrayList;
import java.util.List;

import io.sluice.inference.domain.InvalidInputException;
import io.sluice.inference.domain.Payload;

/** Reads one CSV row, optionally after a header line naming the columns. */
final class Csv {

    private Csv() {}

    static Payload.CsvRow row(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("the CSV body is empty");
        }
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        if (lines.size() > 2) {
            throw new InvalidInputException("one CSV row per request (optionally after a header line), got " + lines.size() + " lines");
        }
        List<String> values = split(lines.get(lines.size() - 1));
        return new Payload.CsvRow(values, lines.size() == 2 ? split(lines.get(0)) : null);
    }

    private static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.split(",", -1)) {
            String trimmed = cell.strip();
            if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
                trimmed = trimmed.substring(1, trimmed.length() - 1);
            }
            cells.add(trimmed);
        }
        return cells;
    }
}
