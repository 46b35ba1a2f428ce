package io.sluice.console.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.sluice.platform.storage.BucketLifecycle;
import io.sluice.platform.storage.Buckets.Purpose;
import io.sluice.platform.storage.LifecycleRule;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStoreAdapter;
import io.sluice.platform.storage.StoredObject;
import io.sluice.platform.storage.retention.ProtectedVersions;
import io.sluice.platform.storage.retention.Retention;
import io.sluice.platform.storage.retention.RetentionSweeper;
import io.sluice.platform.storage.retention.VersionPlan;

/** {@code sluice gc}: applies retention to the models and staging buckets, asking the registry what must stay. */
@Command(name = "gc", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete model versions and staging files older than their retention; never what serves.", "",
                "Asks the evaluation service what must stay (GET /retention/protected-versions: every version the routing "
                        + "table routes to, the champion, alias targets, the rollback target, and the versions each was "
                        + "trained from) and deletes nothing while its registry is not current. A model version (models/M/V/ "
                        + "and evaluations/M/V/ in the models bucket) goes when its newest file is older than "
                        + "sluice.retention.models (default 90d) and nothing protects it; versions of a model the registry "
                        + "does not know stay. The staging bucket's temporary folders (sluice.retention.staging-prefixes: "
                        + "training/checkpoints/, training/trials/, vertex/; the run journals stay): on gs:// and obs:// they get "
                        + "lifecycle rules that delete objects at sluice.retention.staging (default 1d, in whole days); a local "
                        + "bucket is swept here.",
                "",
                "Prints one line per version: what goes, and why each kept version stays. The buckets and stores are "
                        + "found as sluice upload finds them (SLUICE_BUCKETS_MODELS, SLUICE_BUCKETS_STAGING, SLUICE_PROJECT and "
                        + "SLUICE_ENV, --config / SLUICE_CONFIG, else the running local stack's)."},
        footer = {"", "Examples:",
                "  sluice gc --dry-run",
                "  sluice gc --models-retention 30d"})
final class GcCommand implements Callable<Integer> {

    private final CliContext context;
    private final Clock clock;

    @Option(names = {"-n", "--dry-run"}, description = "print what would go and why the rest stays; delete nothing")
    boolean dryRun;

    @Option(names = "--models-retention", paramLabel = "AGE", description = "model versions older than this may go (sluice.retention.models, e.g. 90d)")
    String modelsRetention;

    @Option(names = "--staging-retention", paramLabel = "AGE", description = "staging objects older than this go (sluice.retention.staging, e.g. 1d)")
    String stagingRetention;

    @Option(names = "--evaluation-url", paramLabel = "URL",
            description = "evaluation service (default $SLUICE_EVALUATION_URL, else the running stack's, else http://localhost:8085)")
    String evaluationUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "settings file (sluice.buckets.*, sluice.retention.*, sluice.storage.*; default $SLUICE_CONFIG)")
    Path config;

    GcCommand(CliContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Object> flags = new LinkedHashMap<>();
        if (modelsRetention != null) {
            flags.put(Retention.MODELS, modelsRetention);
        }
        if (stagingRetention != null) {
            flags.put(Retention.STAGING, stagingRetention);
        }
        Retention retention = StoreSettings.retention(context, config, flags);
        ProtectedVersions protection = protectedVersions();
        StoreSettings models = StoreSettings.resolve(context, config, flags, Purpose.MODELS);
        StoreSettings staging = StoreSettings.resolve(context, config, flags, Purpose.STAGING);
        String verb = dryRun ? "would delete" : "deleted";

        ObjectStoreAdapter modelStore = context.stores().open(models);
        try {
            RetentionSweeper sweeper = new RetentionSweeper(modelStore, clock);
            List<VersionPlan> plans = sweeper.planModels(models.bucket(), retention.models(), protection);
            List<VersionPlan> gone = dryRun ? plans.stream().filter(VersionPlan::goes).toList() : sweeper.delete(plans);
            for (VersionPlan plan : plans) {
                String name = plan.model() + "/" + plan.version();
                if (plan.goes()) {
                    context.out().println(verb + " " + name + " (" + age(plan.newest()) + " old, " + plan.objects().size() + " files, "
                            + bytes(plan.bytes()) + ")");
                } else {
                    context.out().println("keep " + name + ": " + String.join("; ", plan.keptBecause()));
                }
            }
            context.out().println("models " + models.bucket() + ": " + gone.size() + " version(s) " + verb + ", "
                    + (plans.size() - gone.size()) + " kept (retention " + RetentionSweeper.describe(retention.models()) + ")");
        } finally {
            close(modelStore);
        }

        ObjectStoreAdapter stagingStore = context.stores().open(staging);
        try {
            if (stagingStore instanceof BucketLifecycle lifecycle) {
                int days = LifecycleRule.days(retention.staging());
                List<LifecycleRule> rules = retention.stagingPrefixes().stream().map(prefix -> new LifecycleRule(prefix, days)).toList();
                if (!dryRun) {
                    lifecycle.applyLifecycle(staging.bucket(), rules);
                }
                context.out().println("staging " + staging.bucket() + ": " + (dryRun ? "would set" : "set") + " lifecycle rules: delete objects under "
                        + String.join(", ", retention.stagingPrefixes()) + " " + days + " day(s) old");
            } else {
                RetentionSweeper sweeper = new RetentionSweeper(stagingStore, clock);
                List<StoredObject> old = sweeper.planStaging(staging.bucket(), retention.staging(), retention.stagingPrefixes());
                List<StoredObject> gone = dryRun ? old : sweeper.deleteStaging(old);
                for (StoredObject object : gone) {
                    context.out().println(verb + " staging " + ObjectKeys.relativize(staging.bucket(), object.uri()) + " ("
                            + age(object.updated()) + " old)");
                }
                context.out().println("staging " + staging.bucket() + ": " + gone.size() + " object(s) " + verb + " (retention "
                        + RetentionSweeper.describe(retention.staging()) + ")");
            }
        } finally {
            close(stagingStore);
        }
        return 0;
    }

    /** What the registry says must stay; refuses when it cannot be asked or is not current. */
    private ProtectedVersions protectedVersions() {
        String base = context.serviceUrl(evaluationUrl, "SLUICE_EVALUATION_URL", "evaluation-service", 8085);
        HttpApi.Reply reply = new HttpApi(Duration.ofSeconds(15)).get(base + "/retention/protected-versions", context.tokenOrNull());
        if (!reply.ok()) {
            throw new CliException("the evaluation service refused GET /retention/protected-versions: " + reply.status() + " "
                    + reply.explanation() + "; nothing was deleted");
        }
        JsonNode json = reply.json();
        if (json == null || !json.path("models").isObject()) {
            throw new CliException("the evaluation service's answer is not the protected versions; nothing was deleted");
        }
        if (!json.path("current").asBoolean(false)) {
            throw new CliException("the evaluation service's registry is not current (behind its topics or cut off from Kafka), "
                    + "so it cannot say what serves; nothing was deleted, try again when it is ready");
        }
        Map<String, Map<String, List<String>>> byModel = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> model : json.path("models").properties()) {
            Map<String, List<String>> versions = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> version : model.getValue().properties()) {
                List<String> reasons = new ArrayList<>();
                version.getValue().forEach(reason -> reasons.add(reason.asString()));
                versions.put(version.getKey(), reasons);
            }
            byModel.put(model.getKey(), versions);
        }
        return new ProtectedVersions(byModel);
    }

    private String age(Instant since) {
        Duration age = Duration.between(since, clock.instant());
        return age.toDays() >= 1 ? age.toDays() + " d" : age.toHours() >= 1 ? age.toHours() + " h" : Math.max(0, age.toMinutes()) + " min";
    }

    private static String bytes(long bytes) {
        return bytes >= 1 << 20 ? String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
                : bytes >= 1 << 10 ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0) : bytes + " B";
    }

    private static void close(ObjectStoreAdapter store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing left to do with the client
            }
        }
    }
}
