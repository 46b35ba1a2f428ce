package io.sluice.platform.storage.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.platform.storage.FileObjectStore;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.StoredObject;

/** Retention over the local-folder store: what goes, what stays and why. */
class RetentionSweeperTests {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path root;

    private FileObjectStore store;
    private URI models;
    private URI staging;
    private RetentionSweeper sweeper;

    private void setUp() {
        store = new FileObjectStore(root);
        models = store.bucket("acme-prod-models");
        staging = store.bucket("acme-prod-staging");
        sweeper = new RetentionSweeper(store, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void write(URI bucket, String key, Duration age) throws Exception {
        URI object = ObjectKeys.resolve(bucket, key);
        store.put(object, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(Path.of(object), FileTime.from(NOW.minus(age)));
    }

    private void version(String model, String version, Duration age) throws Exception {
        write(models, "models/" + model + "/" + version + "/parameters.params", age);
        write(models, "models/" + model + "/" + version + "/model-card.json", age);
        write(models, "evaluations/" + model + "/" + version + "/decision.json", age);
    }

    @Test
    void deletesOldVersionsNothingProtectsAndKeepsTheServingOneOlderStill() throws Exception {
        setUp();
        version("digits", "v1", Duration.ofDays(200)); // serving, older than everything
        version("digits", "v0", Duration.ofDays(250)); // v1 was trained from it
        version("digits", "v2", Duration.ofDays(120)); // old, nothing protects it
        version("digits", "v3", Duration.ofDays(3));   // young
        version("unknown", "u1", Duration.ofDays(300)); // a model the registry does not know
        ProtectedVersions protection = new ProtectedVersions(Map.of("digits", Map.of(
                "v1", List.of("serving: stable, weight 100", "champion"), "v0", List.of("lineage: parent of v1"))));

        List<VersionPlan> plan = sweeper.planModels(models, Duration.ofDays(90), protection);

        assertThat(plan).extracting(p -> p.model() + "/" + p.version() + " " + p.keptBecause()).containsExactly(
                "digits/v0 [lineage: parent of v1]",
                "digits/v1 [serving: stable, weight 100, champion]",
                "digits/v2 []",
                "digits/v3 [younger than the retention (90 days)]",
                "unknown/u1 [model unknown to the registry]");
        VersionPlan v2 = plan.get(2);
        assertThat(v2.objects()).hasSize(3);
        assertThat(v2.bytes()).isEqualTo(9);

        assertThat(sweeper.delete(plan)).extracting(VersionPlan::version).containsExactly("v2");
        assertThat(store.stat(ObjectKeys.resolve(models, "models/digits/v2/model-card.json"))).isEmpty();
        assertThat(store.stat(ObjectKeys.resolve(models, "evaluations/digits/v2/decision.json"))).isEmpty();
        assertThat(store.stat(ObjectKeys.resolve(models, "models/digits/v1/model-card.json"))).isPresent();
        assertThat(store.stat(ObjectKeys.resolve(models, "models/digits/v0/parameters.params"))).isPresent();
        assertThat(store.stat(ObjectKeys.resolve(models, "models/unknown/u1/model-card.json"))).isPresent();
        assertThat(sweeper.planModels(models, Duration.ofDays(90), protection)).noneMatch(VersionPlan::goes);
    }

    @Test
    void aVersionWrittenToRecentlyIsYoungWhateverItsOldestFile() throws Exception {
        setUp();
        write(models, "models/digits/v5/parameters.params", Duration.ofDays(100));
        write(models, "evaluations/digits/v5/decision.json", Duration.ofHours(1));

        List<VersionPlan> plan = sweeper.planModels(models, Duration.ofDays(90), new ProtectedVersions(Map.of("digits", Map.of())));

        assertThat(plan).singleElement().satisfies(p -> {
            assertThat(p.goes()).isFalse();
            assertThat(p.newest()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        });
    }

    @Test
    void sweepsTemporaryStagingObjectsOlderThanItsRetentionAndKeepsTheJournals() throws Exception {
        setUp();
        write(staging, "training/runs/run-1.json", Duration.ofDays(30)); // the run journal: not temporary
        write(staging, "training/checkpoints/run-1/epoch-3.params", Duration.ofHours(30));
        write(staging, "training/checkpoints/run-2/epoch-1.params", Duration.ofHours(2));
        write(staging, "vertex/job-7/output.txt", Duration.ofDays(4));

        List<StoredObject> old = sweeper.planStaging(staging, Duration.ofDays(1), Retention.DEFAULT.stagingPrefixes());

        assertThat(old).extracting(o -> ObjectKeys.relativize(staging, o.uri()))
                .containsExactly("training/checkpoints/run-1/epoch-3.params", "vertex/job-7/output.txt");
        assertThat(sweeper.deleteStaging(old)).hasSize(2);
        try (var left = store.list(staging)) {
            assertThat(left.map(o -> ObjectKeys.relativize(staging, o.uri())).toList())
                    .containsExactly("training/checkpoints/run-2/epoch-1.params", "training/runs/run-1.json");
        }
        assertThat(sweeper.planStaging(store.bucket("never-written"), Duration.ofDays(1), List.of("vertex/"))).isEmpty();
    }

    @Test
    void describesRetentionsInWords() {
        assertThat(RetentionSweeper.describe(Duration.ofDays(90))).isEqualTo("90 days");
        assertThat(RetentionSweeper.describe(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(RetentionSweeper.describe(Duration.ofHours(6))).isEqualTo("6 hours");
        assertThat(RetentionSweeper.describe(Duration.ofMinutes(90))).isEqualTo("PT1H30M");
    }
}
