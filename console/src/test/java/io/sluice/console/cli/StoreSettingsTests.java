package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.platform.storage.Buckets;
import io.sluice.platform.storage.gcs.GcsObjectStore;

/** Where {@code sluice upload} writes: flags over environment over config file, with the services' property names. */
class StoreSettingsTests {

    @TempDir
    Path temp;

    private static CliContext context(Map<String, String> env) {
        return new CliContext(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), CliRun.isolated(env));
    }

    @Test
    void defaultsToTheLocalRawBucketUnderTheDataDir() throws Exception {
        LocalStacks.running(temp.resolve("my data"), "localhost:9092", 0);
        StoreSettings settings = StoreSettings.resolve(context(Map.of("SLUICE_DATA_DIR", temp.resolve("my data").toString())), null, Map.of());

        assertThat(settings.bucket()).isEqualTo(URI.create(temp.resolve("my data/buckets/sluice-local-raw-data").toUri() + "/"));
        assertThat(StoreSettings.LOCAL_RAW_BUCKET).isEqualTo(Buckets.localName(Buckets.Purpose.RAW_DATA));
        assertThat(settings.obs().endpoint()).isEmpty();
        assertThat(settings.gcs().timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheConfigFile() throws Exception {
        Path config = Files.writeString(temp.resolve("sluice.properties"), """
                sluice.buckets.raw-data=gs://from-config
                sluice.storage.gcs.project-id=config-project
                sluice.storage.gcs.endpoint=http://config:1
                sluice.storage.obs.timeout=5s
                """);
        Map<String, String> env = Map.of("SLUICE_CONFIG", config.toString(), "SLUICE_STORAGE_GCS_PROJECT_ID", "env-project",
                "SLUICE_STORAGE_GCS_ENDPOINT", "http://env:1");

        StoreSettings fromFile = StoreSettings.resolve(context(env), null, Map.of());
        assertThat(fromFile.bucket()).isEqualTo(URI.create("gs://from-config/"));
        assertThat(fromFile.gcs().projectId()).isEqualTo("env-project");
        assertThat(fromFile.gcs().endpoint()).isEqualTo("http://env:1");
        assertThat(fromFile.obs().timeout()).isEqualTo(Duration.ofSeconds(5));

        StoreSettings flagged = StoreSettings.resolve(context(Map.of("SLUICE_CONFIG", config.toString(),
                "SLUICE_BUCKETS_RAW_DATA", "gs://from-env/")), null, Map.of("sluice.buckets.raw-data", "obs://from-flag",
                "sluice.storage.gcs.endpoint", "http://flag:1"));
        assertThat(flagged.bucket()).isEqualTo(URI.create("obs://from-flag/"));
        assertThat(flagged.gcs().endpoint()).isEqualTo("http://flag:1");

        StoreSettings env2 = StoreSettings.resolve(context(Map.of("SLUICE_CONFIG", config.toString(),
                "SLUICE_BUCKETS_RAW_DATA", "gs://from-env/")), null, Map.of());
        assertThat(env2.bucket()).isEqualTo(URI.create("gs://from-env/"));
    }

    @Test
    void namesTheRawBucketFromProjectAndEnvironmentAsTheServicesDo() {
        StoreSettings named = StoreSettings.resolve(context(Map.of("SLUICE_PROJECT", "acme", "SLUICE_ENV", "prod",
                "SLUICE_STORAGE_GCS_ENABLED", "true")), null, Map.of());
        assertThat(named.bucket()).isEqualTo(URI.create("gs://acme-prod-raw-data/"));

        StoreSettings explicit = StoreSettings.resolve(context(Map.of("SLUICE_PROJECT", "acme", "SLUICE_ENV", "prod",
                "SLUICE_STORAGE_GCS_ENABLED", "true")), null, Map.of("sluice.buckets.raw-data", "gs://elsewhere/"));
        assertThat(explicit.bucket()).isEqualTo(URI.create("gs://elsewhere/"));

        assertThatThrownBy(() -> StoreSettings.resolve(context(Map.of("SLUICE_PROJECT", "acme", "SLUICE_ENV", "Prod_1")), null, Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("sluice.env 'Prod_1' cannot name buckets");
    }

    @Test
    void takesTheObsCredentialsFromEitherNameAndNeverPrintsThem() {
        StoreSettings aliased = StoreSettings.resolve(context(Map.of("SLUICE_OBS_ACCESS_KEY", "ak-1", "SLUICE_OBS_SECRET_KEY", "sk-1",
                "SLUICE_BUCKETS_RAW_DATA", "obs://raw/")),
                null, Map.of());
        assertThat(aliased.obs().accessKey()).isEqualTo("ak-1");
        assertThat(aliased.obs().secretKey()).isEqualTo("sk-1");
        assertThat(aliased.toString()).doesNotContain("sk-1").doesNotContain("ak-1");

        StoreSettings canonical = StoreSettings.resolve(context(Map.of("SLUICE_OBS_SECRET_KEY", "sk-1",
                "SLUICE_STORAGE_OBS_SECRET_KEY", "sk-2", "SLUICE_BUCKETS_RAW_DATA", "obs://raw/")), null, Map.of());
        assertThat(canonical.obs().secretKey()).isEqualTo("sk-2");
    }

    @Test
    void explainsABadConfigFileAndABadSetting() throws Exception {
        assertThatThrownBy(() -> StoreSettings.resolve(context(Map.of()), temp.resolve("missing.yaml"), Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("no config file");
        assertThatThrownBy(() -> StoreSettings.resolve(context(Map.of("SLUICE_STORAGE_OBS_TIMEOUT", "soon")), null, Map.of()))
                .isInstanceOf(CliException.class).hasMessageContaining("sluice.storage.obs.timeout");
        assertThatThrownBy(() -> StoreSettings.resolve(context(Map.of()), null, Map.of("sluice.buckets.raw-data", "gs://bad bucket/")))
                .isInstanceOf(CliException.class).hasMessageContaining("not a bucket URI");
    }

    @Test
    void opensTheCloudStorageClientForGsBucketsWithoutCallingIt() throws Exception {
        StoreSettings settings = StoreSettings.resolve(context(Map.of()), null, Map.of("sluice.buckets.raw-data", "gs://b/",
                "sluice.storage.gcs.project-id", "p", "sluice.storage.gcs.endpoint", "http://127.0.0.1:1"));
        var store = settings.openStore();
        try {
            assertThat(store).isInstanceOf(GcsObjectStore.class);
            assertThat(store.schemes()).containsExactly("gs");
        } finally {
            ((AutoCloseable) store).close();
        }
    }
}
