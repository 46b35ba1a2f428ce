package io.sluice.console.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice tune <dataset>}: asks the training service for a hyperparameter search of the models trained on a dataset. */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Search hyperparameters for the models trained on DATASET, on its newest ready version.", "",
                "Sends POST /tuning/DATASET to the training service with the token of SLUICE_TOKEN (else <data dir>/admin-token, "
                        + "which ./sluice up writes; a writer's token is enough). The search runs in the background: its trials "
                        + "(TuningTrialFinished) and winner (TuningCompleted) show in sluice events; the next training of each "
                        + "model uses the winner's parameters."})
final class TuneCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "DATASET", description = "dataset name")
    String dataset;

    @Option(names = {"-r", "--reason"}, paramLabel = "R", description = "why (recorded in the emitted event)")
    String reason;

    @Option(names = "--training-url", paramLabel = "URL",
            description = "training service (default $SLUICE_TRAINING_URL, else the running stack's, else http://localhost:8084)")
    String trainingUrl;

    @Option(names = "--json", description = "print the service's JSON reply as it is")
    boolean json;

    TuneCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        String base = context.serviceUrl(trainingUrl, "SLUICE_TRAINING_URL", "training-service", 8084);
        String token = context.token();
        Map<String, Object> body = new LinkedHashMap<>();
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15)).postJson(base + "/tuning/" + HttpApi.segment(dataset), token, body);
        if (!reply.ok()) {
            throw new CliException("tune " + dataset + " refused: " + explain(reply));
        }
        if (json) {
            context.out().println(reply.body());
            return 0;
        }
        JsonNode answer = reply.json();
        String version = answer != null && answer.hasNonNull("datasetVersion") ? answer.get("datasetVersion").asString() : "?";
        context.out().println("tune " + dataset + "@" + shortVersion(version) + ": accepted");
        if (answer != null && answer.has("searches")) {
            for (JsonNode search : answer.get("searches")) {
                context.out().println("  " + search.get("model").asString() + ": search " + search.get("searchId").asString());
            }
        }
        context.out().println("follow it with: sluice events --follow");
        return 0;
    }

    private String explain(HttpApi.Reply reply) {
        return switch (reply.status()) {
            case 401 -> "401 not signed in: the token was not accepted (SLUICE_TOKEN or <data dir>/admin-token)";
            case 403 -> "403 forbidden: tuning needs a writer or admin token";
            case 404 -> "404 " + (reply.explanation().isBlank() ? "no ready version of dataset " + dataset : reply.explanation());
            default -> reply.status() + " " + reply.explanation();
        };
    }

    private static String shortVersion(String version) {
        return version.length() > 12 ? version.substring(0, 12) : version;
    }
}
