package io.sluice.console.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice models show|alias set|alias remove|block|unblock|annotate}: the model registry of the evaluation service —
 * read it, pin {@code champion} or set any alias, block a version from ever being deployed, annotate one. Every change is an
 * audited registry command (the token's principal, the reason).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Read and operate the model registry (evaluation service): aliases, blocked versions, notes.",
                "Changes need a writer's token (SLUICE_TOKEN, else <data dir>/admin-token); each is audited with who, when and why."})
final class ModelsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: show, alias, block, unblock or annotate");
    }

    /** The command line with every registry subcommand. */
    static CommandLine commandLine(CliContext context) {
        CommandLine models = new CommandLine(new ModelsCommand());
        models.addSubcommand("show", new Show(context));
        CommandLine alias = new CommandLine(new AliasGroup());
        alias.addSubcommand("set", new AliasSet(context));
        alias.addSubcommand("remove", new AliasRemove(context));
        models.addSubcommand("alias", alias);
        models.addSubcommand("block", versionChange(context, "block", "Block a version: it is never deployed (its evaluation is "
                + "rejected with your reason) and no alias may point at it; aliases that did are removed. Needs --reason."));
        models.addSubcommand("unblock", versionChange(context, "unblock", "Lift a version's block."));
        models.addSubcommand("annotate", versionChange(context, "annotate", "Attach a note to a version: sluice models annotate MODEL VERSION \"NOTE\"."));
        return models;
    }

    private static CommandLine versionChange(CliContext context, String action, String description) {
        CommandLine line = new CommandLine(new VersionChange(context, action));
        line.getCommandSpec().usageMessage().description(description);
        return line;
    }

    /** Where the evaluation service is and how to print its reply. */
    static final class Target {
        @Option(names = "--evaluation-url", paramLabel = "URL",
                description = "evaluation service (default $SLUICE_EVALUATION_URL, else the running stack's, else http://localhost:8085)")
        String evaluationUrl;

        @Option(names = "--json", description = "print the service's JSON reply as it is")
        boolean json;

        String base(CliContext context) {
            return context.serviceUrl(evaluationUrl, "SLUICE_EVALUATION_URL", "evaluation-service", 8085);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a model's versions, aliases (pinned ones with who and why), blocks and notes.")
    static final class Show implements Callable<Integer> {
        private final CliContext context;

        @Parameters(index = "0", paramLabel = "MODEL", description = "model name")
        String model;

        @Mixin
        Target target;

        Show(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15)).get(target.base(context) + "/models/" + path(model) + "/versions",
                    context.tokenOrNull());
            if (!reply.ok()) {
                throw new CliException("show " + model + ": " + explain(reply, "read the registry"));
            }
            if (target.json) {
                context.out().println(reply.body());
                return 0;
            }
            JsonNode json = reply.json();
            context.out().println(model);
            Map<String, String> pins = new LinkedHashMap<>();
            for (JsonNode pin : json.path("pinned")) {
                JsonNode set = pin.path("set");
                pins.put(pin.path("alias").asString(), " (set by " + set.path("actor").asString() + ": " + set.path("reason").asString() + ")");
            }
            StringBuilder aliases = new StringBuilder();
            for (Map.Entry<String, JsonNode> alias : json.path("aliases").properties()) {
                if (!alias.getValue().isNull()) {
                    aliases.append(aliases.isEmpty() ? "" : ", ").append(alias.getKey()).append(' ').append(alias.getValue().asString())
                            .append(pins.getOrDefault(alias.getKey(), ""));
                }
            }
            context.out().println("  aliases: " + (aliases.isEmpty() ? "none" : aliases));
            for (JsonNode v : json.path("versions")) {
                StringBuilder line = new StringBuilder(String.format("  %-14s %-11s", v.path("version").asString(), v.path("stage").asString()));
                JsonNode accuracy = v.path("decision").path("accuracy");
                if (accuracy.isNumber()) {
                    line.append(String.format(" accuracy %.3f", accuracy.asDouble()));
                }
                JsonNode blocked = v.path("blocked");
                if (blocked.isObject()) {
                    line.append("  BLOCKED by ").append(blocked.path("actor").asString()).append(": ").append(blocked.path("reason").asString());
                }
                context.out().println(line);
                for (JsonNode note : v.path("notes")) {
                    context.out().println("      note (" + note.path("actor").asString() + ", " + note.path("at").asString() + "): "
                            + note.path("reason").asString());
                }
            }
            return 0;
        }
    }

    @Command(name = "alias", mixinStandardHelpOptions = true, description = "Set, move or remove an alias (champion or a custom name).")
    static final class AliasGroup implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command: set or remove");
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Point an alias at a version, or move it there (one audited event).",
                    "Setting champion pins it: the next champion-vs-challenger comparison uses that version. A blocked version is refused."})
    static final class AliasSet implements Callable<Integer> {
        private final CliContext context;

        @Parameters(index = "0", paramLabel = "MODEL") String model;
        @Parameters(index = "1", paramLabel = "ALIAS", description = "champion or a custom name (lower-case letters, digits, dashes)") String alias;
        @Parameters(index = "2", paramLabel = "VERSION") String version;
        @Option(names = {"-r", "--reason"}, paramLabel = "R", description = "why (recorded in the audit)") String reason;
        @Mixin Target target;

        AliasSet(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return post(context, target, "alias set " + model + " " + alias, "/models/" + path(model) + "/aliases/" + path(alias), version, reason);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove an alias; champion falls back to the version the routing table serves as stable.")
    static final class AliasRemove implements Callable<Integer> {
        private final CliContext context;

        @Parameters(index = "0", paramLabel = "MODEL") String model;
        @Parameters(index = "1", paramLabel = "ALIAS") String alias;
        @Option(names = {"-r", "--reason"}, paramLabel = "R", description = "why (recorded in the audit)") String reason;
        @Mixin Target target;

        AliasRemove(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return post(context, target, "alias remove " + model + " " + alias, "/models/" + path(model) + "/aliases/" + path(alias) + "/remove",
                    null, reason);
        }
    }

    /** {@code block}, {@code unblock} and {@code annotate} of one version. */
    @Command(mixinStandardHelpOptions = true)
    static final class VersionChange implements Callable<Integer> {
        private final CliContext context;
        private final String action;

        @Parameters(index = "0", paramLabel = "MODEL") String model;
        @Parameters(index = "1", paramLabel = "VERSION") String version;
        @Parameters(index = "2", arity = "0..1", paramLabel = "NOTE", description = "annotate: the note") String note;
        @Option(names = {"-r", "--reason"}, paramLabel = "R", description = "why (recorded in the audit); block needs one") String reason;
        @Mixin Target target;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        VersionChange(CliContext context, String action) {
            this.context = context;
            this.action = action;
        }

        @Override
        public Integer call() {
            String why = "annotate".equals(action) ? CliContext.firstNonBlank(note, reason) : reason;
            if (why == null && !"unblock".equals(action)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "annotate".equals(action) ? "annotate needs the note" : "block needs --reason (who reads the audit wants to know why)");
            }
            return post(context, target, action + " " + model + " " + version,
                    "/models/" + path(model) + "/versions/" + path(version) + "/" + action, null, why);
        }
    }

    private static int post(CliContext context, Target target, String what, String path, String version, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (version != null) {
            body.put("version", version);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15)).postJson(target.base(context) + path, context.token(), body);
        if (!reply.ok()) {
            throw new CliException(what + " refused: " + explain(reply, "change the registry (a writer's token is needed)"));
        }
        if (target.json) {
            context.out().println(reply.body());
            return 0;
        }
        JsonNode json = reply.json();
        String message = json != null && json.hasNonNull("message") ? json.get("message").asString() : "";
        context.out().println(what + ": " + (reply.status() == 202 ? "accepted" : "done") + (message.isBlank() ? "" : " (" + message + ")"));
        return 0;
    }

    private static String explain(HttpApi.Reply reply, String whatTheRoleMayNot) {
        return switch (reply.status()) {
            case 401 -> "401 not signed in: the token was not accepted (SLUICE_TOKEN or <data dir>/admin-token)";
            case 403 -> "403 forbidden: this token's role may not " + whatTheRoleMayNot;
            default -> reply.status() + " " + reply.explanation();
        };
    }

    private static String path(String segment) {
        return HttpApi.segment(segment);
    }
}
