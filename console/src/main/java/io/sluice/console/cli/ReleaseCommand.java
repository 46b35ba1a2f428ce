package io.sluice.console.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice promote|rollback|pause|resume <model>}: an operator's command to the deployment service. */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class ReleaseCommand implements Callable<Integer> {

    /** The four commands and what they do. */
    enum Action {
        PROMOTE("promote", "Promote the model's canary to 100 %% now, skipping the remaining steps."),
        ROLLBACK("rollback", "Roll the model's canary (or its latest production version) back to the previous stable version."),
        PAUSE("pause", "Hold the model's release at its current step (no automatic shifts, promotion or rollback)."),
        RESUME("resume", "Let a paused release go on from its current step.");

        private final String command;
        private final String description;

        Action(String command, String description) {
            this.command = command;
            this.description = description;
        }

        String command() {
            return command;
        }
    }

    private final CliContext context;
    private final Action action;

    @Parameters(index = "0", paramLabel = "MODEL", description = "model name")
    String model;

    @Option(names = {"-r", "--reason"}, paramLabel = "R", description = "why (recorded in the emitted event)")
    String reason;

    @Option(names = "--deployment-url", paramLabel = "URL", description = "deployment service (default $SLUICE_DEPLOYMENT_URL, else the running stack's, else http://localhost:8083)")
    String deploymentUrl;

    @Option(names = "--json", description = "print the service's JSON reply as it is")
    boolean json;

    ReleaseCommand(CliContext context, Action action) {
        this.context = context;
        this.action = action;
    }

    /** Description shown by {@code --help}; set per action when the command is registered. */
    String description() {
        return action.description;
    }

    /** The command line of one action, with its own description. */
    static picocli.CommandLine commandLine(CliContext context, Action action) {
        ReleaseCommand command = new ReleaseCommand(context, action);
        picocli.CommandLine line = new picocli.CommandLine(command);
        line.getCommandSpec().name(action.command);
        line.getCommandSpec().usageMessage().description(action.description, "",
                "Sends POST /deployments/MODEL/" + action.command + " to the deployment service with the token of "
                        + "SLUICE_TOKEN (else <data dir>/admin-token, which ./sluice up writes). promote and rollback need an "
                        + "admin token, pause and resume a writer's. The outcome shows in sluice events and sluice status.");
        return line;
    }

    @Override
    public Integer call() {
        String base = context.serviceUrl(deploymentUrl, "SLUICE_DEPLOYMENT_URL", "deployment-service", 8083);
        String token = context.token();
        Map<String, Object> body = new LinkedHashMap<>();
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15))
                .postJson(base + "/deployments/" + HttpApi.segment(model) + "/" + action.command, token, body);
        if (!reply.ok()) {
            throw new CliException(action.command + " " + model + " refused: " + explain(reply));
        }
        if (json) {
            context.out().println(reply.body());
            return 0;
        }
        context.out().println(action.command + " " + model + ": accepted" + summary(reply.json()));
        return 0;
    }

    private String explain(HttpApi.Reply reply) {
        return switch (reply.status()) {
            case 401 -> "401 not signed in: the admin token was not accepted (SLUICE_TOKEN or <data dir>/admin-token)";
            case 403 -> "403 forbidden: this token's role may not " + action.command + " (promote and rollback need admin, pause and resume writer)";
            case 404 -> "404 " + (reply.explanation().isBlank() ? "no deployment for model " + model : reply.explanation());
            default -> reply.status() + " " + reply.explanation();
        };
    }

    private static String summary(JsonNode json) {
        if (json == null || !json.isObject()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String field : new String[] {"phase", "stepIndex", "version", "stableVersion", "canaryVersion", "message"}) {
            if (json.hasNonNull(field)) {
                out.append(out.isEmpty() ? " (" : ", ").append(field).append(' ').append(json.get(field).asString());
            }
        }
        return out.isEmpty() ? "" : out.append(')').toString();
    }
}
