package io.sluice.console.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice runs [--model M]} and {@code sluice runs compare A B …}: the console's training runs
 * ({@code GET /api/training/runs}, {@code GET /api/training/compare}) as tables.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List training runs: model, version, dataset version, status, accuracy.", "",
                "Reads GET /api/training/runs on the console, which folds the runs from the training and evaluation "
                        + "events. The most recently started run comes first. Compare runs with: sluice runs compare RUN RUN…"},
        subcommands = RunsCommand.Compare.class)
final class RunsCommand implements Callable<Integer> {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Where the console is and how to print; shared by {@code runs} and {@code runs compare}. */
    static final class Target {
        @Option(names = "--console-url", paramLabel = "URL", description = "console (default $SLUICE_CONSOLE_URL, else the running stack's, else http://localhost:8080)")
        String consoleUrl;

        @Option(names = "--json", description = "print the console's JSON reply as it is")
        boolean json;

        JsonNode get(CliContext context, String what, String pathAndQuery) {
            String base = context.serviceUrl(consoleUrl, "SLUICE_CONSOLE_URL", "console", 8080);
            HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15)).get(base + pathAndQuery, context.tokenOrNull());
            if (!reply.ok()) {
                throw new CliException(what + ": " + switch (reply.status()) {
                    case 401 -> "401 not signed in: the console wants a token (SLUICE_TOKEN or <data dir>/admin-token)";
                    case 403 -> "403 forbidden: this token may not read the console";
                    default -> reply.status() + " " + reply.explanation();
                });
            }
            if (json) {
                context.out().println(reply.body());
                return null;
            }
            return reply.json();
        }
    }

    private final CliContext context;

    @Option(names = {"-m", "--model"}, paramLabel = "M", description = "only this model's runs")
    String model;

    @Mixin
    Target target = new Target();

    RunsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        JsonNode runs = target.get(context, "cannot list runs",
                "/api/training/runs" + (model == null ? "" : "?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8)));
        if (runs == null) {
            return 0;
        }
        if (runs.isEmpty()) {
            context.err().println(model == null ? "no training runs yet" : "no training runs of " + model);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("RUN", "MODEL", "VERSION", "DATASET", "STATUS", "VERDICT", "TEST ACC", "VAL ACC", "EPOCHS", "STARTED (UTC)"));
        for (JsonNode run : runs) {
            rows.add(List.of(text(run, "runId"), text(run, "modelName"), text(run, "modelVersion"), dataset(run), text(run, "status"),
                    text(run, "verdict"), pct(run.path("testAccuracy")), pct(run.path("validationAccuracy")), text(run, "epochs"),
                    when(run.path("startedAt"))));
        }
        table(rows).forEach(context.out()::println);
        return 0;
    }

    /** {@code sluice runs compare A B …}: two to six runs side by side. */
    @Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Compare training runs side by side.", "",
                    "Parameters and dataset versions (rows that differ are marked *), the validation curve per epoch "
                            + "(accuracy / loss), the metrics on the test split, and the confusion matrices (rows: true class, "
                            + "columns: predicted). Reads GET /api/training/compare on the console."})
    static final class Compare implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        RunsCommand parent;

        @Parameters(arity = "2..6", paramLabel = "RUN", description = "2 to 6 run ids (as sluice runs lists them)")
        List<String> runIds;

        @Mixin
        Target target = new Target();

        @Override
        public Integer call() {
            CliContext context = parent.context;
            Target target = new Target(); // options given before "compare" count too
            target.consoleUrl = CliContext.firstNonBlank(this.target.consoleUrl, parent.target.consoleUrl);
            target.json = this.target.json || parent.target.json;
            JsonNode runs = target.get(context, "cannot compare " + String.join(" ", runIds),
                    "/api/training/compare?ids=" + URLEncoder.encode(String.join(",", runIds), StandardCharsets.UTF_8));
            if (runs == null) {
                return 0;
            }
            List<JsonNode> all = new ArrayList<>();
            runs.forEach(all::add);
            print(context, all);
            return 0;
        }

        static void print(CliContext context, List<JsonNode> runs) {
            List<String> header = new ArrayList<>(List.of(""));
            runs.forEach(r -> header.add(text(r, "runId")));

            context.out().println("Parameters (* differs)");
            List<List<String>> params = new ArrayList<>(List.of(header));
            params.add(row("model", runs, r -> text(r, "modelName")));
            params.add(row("version", runs, r -> text(r, "modelVersion")));
            params.add(row("dataset", runs, RunsCommand::dataset));
            Set<String> names = new LinkedHashSet<>();
            runs.forEach(r -> r.path("parameters").propertyNames().forEach(names::add));
            for (String name : names) {
                params.add(row(name, runs, r -> text(r.path("parameters"), name)));
            }
            print(context, params, true);

            context.out().println();
            context.out().println("Validation curve (accuracy / loss per epoch)");
            List<List<String>> curve = new ArrayList<>(List.of(replaceFirst(header, "epoch")));
            int epochs = runs.stream().mapToInt(r -> r.path("epochs").size()).max().orElse(0);
            for (int i = 0; i < epochs; i++) {
                int index = i;
                curve.add(row(String.valueOf(i + 1), runs, r -> {
                    JsonNode e = r.path("epochs").path(index);
                    return e.isMissingNode() ? "" : pct(e.path("validationAccuracy")) + " / " + num(e.path("validationLoss"));
                }));
            }
            print(context, curve, false);

            context.out().println();
            context.out().println("Metrics");
            List<List<String>> metrics = new ArrayList<>(List.of(header));
            metrics.add(row("status", runs, r -> text(r, "status")));
            metrics.add(row("verdict", runs, r -> text(r, "verdict")));
            metrics.add(row("best epoch", runs, r -> text(r, "bestEpoch")));
            metrics.add(row("best val accuracy", runs, r -> pct(r.path("validationAccuracy"))));
            metrics.add(row("test accuracy", runs, r -> pct(r.path("evaluation").path("accuracy"))));
            metrics.add(row("macro F1", runs, r -> num(r.path("evaluation").path("macroF1"))));
            metrics.add(row("macro precision", runs, r -> num(r.path("evaluation").path("macroPrecision"))));
            metrics.add(row("macro recall", runs, r -> num(r.path("evaluation").path("macroRecall"))));
            metrics.add(row("MCC", runs, r -> num(r.path("evaluation").path("mcc"))));
            metrics.add(row("test loss", runs, r -> num(r.path("evaluation").path("loss"))));
            metrics.add(row("test samples", runs, r -> text(r.path("evaluation"), "testSamples")));
            metrics.add(row("training time", runs, r -> r.path("durationMillis").isNumber()
                    ? String.format(Locale.ROOT, "%.1f s", r.path("durationMillis").asLong() / 1000.0) : ""));
            print(context, metrics, false);

            context.out().println();
            context.out().println("Confusion matrices (rows: true class, columns: predicted)");
            List<List<String>> blocks = runs.stream().map(Compare::matrix).toList();
            int height = blocks.stream().mapToInt(List::size).max().orElse(0);
            List<Integer> widths = blocks.stream().map(b -> b.stream().mapToInt(String::length).max().orElse(0)).toList();
            for (int line = 0; line < height; line++) {
                StringBuilder out = new StringBuilder("  ");
                for (int b = 0; b < blocks.size(); b++) {
                    String cell = line < blocks.get(b).size() ? blocks.get(b).get(line) : "";
                    out.append(b == blocks.size() - 1 ? cell : pad(cell, widths.get(b) + 4));
                }
                context.out().println(out.toString().stripTrailing());
            }
        }

        /** One run's confusion matrix as lines: its title, the predicted classes, then one row per true class. */
        static List<String> matrix(JsonNode run) {
            List<String> lines = new ArrayList<>();
            lines.add(text(run, "runId") + (run.hasNonNull("modelVersion") ? " (" + text(run, "modelVersion") + ")" : ""));
            JsonNode evaluation = run.path("evaluation");
            JsonNode matrix = evaluation.path("confusionMatrix");
            if (!matrix.isArray() || matrix.isEmpty()) {
                lines.add("(not evaluated)");
                return lines;
            }
            List<String> classes = new ArrayList<>();
            evaluation.path("classNames").forEach(c -> classes.add(c.asString()));
            List<List<String>> rows = new ArrayList<>();
            List<String> head = new ArrayList<>(List.of(""));
            for (int c = 0; c < matrix.size(); c++) {
                head.add(c < classes.size() ? classes.get(c) : String.valueOf(c));
            }
            rows.add(head);
            for (int t = 0; t < matrix.size(); t++) {
                List<String> row = new ArrayList<>(List.of(t < classes.size() ? classes.get(t) : String.valueOf(t)));
                matrix.get(t).forEach(n -> row.add(n.asString()));
                rows.add(row);
            }
            lines.addAll(table(rows));
            return lines;
        }

        private static List<String> row(String name, List<JsonNode> runs, Function<JsonNode, String> value) {
            List<String> row = new ArrayList<>(List.of(name));
            runs.forEach(r -> row.add(value.apply(r)));
            return row;
        }

        private static List<String> replaceFirst(List<String> header, String first) {
            List<String> copy = new ArrayList<>(header);
            copy.set(0, first);
            return copy;
        }

        /** Prints a table indented by two; with {@code markDifferences}, a row whose values differ starts with {@code *}. */
        private static void print(CliContext context, List<List<String>> rows, boolean markDifferences) {
            Set<Integer> differing = new LinkedHashSet<>();
            for (int i = 1; i < rows.size() && markDifferences; i++) {
                if (rows.get(i).stream().skip(1).distinct().count() > 1) {
                    differing.add(i);
                }
            }
            List<String> lines = table(rows);
            for (int i = 0; i < lines.size(); i++) {
                context.out().println((differing.contains(i) ? "* " : "  ") + lines.get(i));
            }
        }
    }

    /** Left-aligned columns two spaces apart, trailing blanks cut. */
    static List<String> table(List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        rows.forEach(row -> {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        });
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(c == row.size() - 1 ? row.get(c) : pad(row.get(c), widths[c] + 2));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asString();
    }

    static String dataset(JsonNode run) {
        String name = text(run, "datasetName");
        String version = text(run, "datasetVersion");
        return version.isEmpty() ? name : name + "@" + version;
    }

    static String pct(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.1f %%", 100 * value.asDouble()) : "";
    }

    static String num(JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.3f", value.asDouble()) : "";
    }

    static String when(JsonNode instant) {
        try {
            return instant.isString() ? WHEN.format(Instant.parse(instant.asString())) : "";
        } catch (RuntimeException notAnInstant) {
            return instant.asString();
        }
    }
}
