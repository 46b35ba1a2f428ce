package io.sluice.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import io.sluice.platform.storage.Buckets.Purpose;

/** How the four buckets are named from explicit settings, project and environment, or the local defaults. */
class BucketsTests {

    private static final String ROOT = "/data/buckets";

    @Test
    void namesTheLocalStacksBucketsWhenNothingIsSet() {
        UnaryOperator<String> settings = settings(Map.of());
        assertThat(Buckets.resolve(Purpose.RAW_DATA, settings)).isEqualTo("file:/data/buckets/sluice-local-raw-data/");
        assertThat(Buckets.resolve(Purpose.STAGING, settings)).isEqualTo("file:/data/buckets/sluice-local-staging/");
        assertThat(Buckets.localName(Purpose.MODELS)).isEqualTo("sluice-local-models");
    }

    @Test
    void namesBucketsByProjectAndEnvironmentInTheStoreThatIsOn() {
        Map<String, String> local = Map.of(Buckets.PROJECT, "acme", Buckets.ENV, "prod");
        assertThat(Buckets.resolve(Purpose.MODELS, settings(local))).isEqualTo("file:/data/buckets/acme-prod-models/");

        Map<String, String> gcs = with(local, Buckets.GCS_ENABLED, "true");
        assertThat(Buckets.resolve(Purpose.RAW_DATA, settings(gcs))).isEqualTo("gs://acme-prod-raw-data/");
        assertThat(Buckets.resolve(Purpose.TRAINING, settings(gcs))).isEqualTo("gs://acme-prod-training/");
        assertThat(Buckets.resolve(Purpose.STAGING, settings(gcs))).isEqualTo("gs://acme-prod-staging/");

        Map<String, String> obs = with(local, Buckets.OBS_ENDPOINT, "https://obs.eu-de.otc.t-systems.com");
        assertThat(Buckets.resolve(Purpose.MODELS, settings(obs))).isEqualTo("obs://acme-prod-models/");
    }

    @Test
    void anExplicitBucketWinsOverTheConventionAndTheLocalDefault() {
        Map<String, String> given = Map.of(Buckets.PROJECT, "acme", Buckets.ENV, "prod", Buckets.GCS_ENABLED, "true",
                "sluice.buckets.models", " gs://legacy-models/ ");
        assertThat(Buckets.resolve(Purpose.MODELS, settings(given))).isEqualTo("gs://legacy-models/");
        assertThat(Buckets.resolve(Purpose.TRAINING, settings(given))).isEqualTo("gs://acme-prod-training/");
        assertThat(Buckets.resolve(Purpose.RAW_DATA, settings(Map.of("sluice.buckets.raw-data", "obs://mine/"))))
                .isEqualTo("obs://mine/");
    }

    @Test
    void refusesProjectsAndEnvironmentsThatCannotNameABucket() {
        for (String project : new String[] {"Acme", "acme_corp", "acme.corp", "-acme", "acme-", "ac me", "acmé", "a/b"}) {
            assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, project, Buckets.ENV, "prod"))))
                    .as(project).isInstanceOf(InvalidBucketSettingException.class)
                    .hasMessageContaining("sluice.project").hasMessageContaining("lowercase letters, digits and hyphens");
        }
        assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, "acme", Buckets.ENV, "PROD"))))
                .isInstanceOf(InvalidBucketSettingException.class).hasMessageContaining("sluice.env 'PROD'");
        String long50 = "a".repeat(50);
        assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, long50, Buckets.ENV, "production"))))
                .isInstanceOf(InvalidBucketSettingException.class).hasMessageContaining("3 to 63");
        // 63 characters exactly is still a bucket
        String project = "p".repeat(63 - "-e-raw-data".length());
        assertThat(Buckets.resolve(Purpose.RAW_DATA, settings(Map.of(Buckets.PROJECT, project, Buckets.ENV, "e"))))
                .endsWith("/" + project + "-e-raw-data/");
        assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, "google-ml", Buckets.ENV, "prod"))))
                .isInstanceOf(InvalidBucketSettingException.class).hasMessageContaining("GCS refuses");
    }

    @Test
    void refusesHalfAConventionAndAnAmbiguousStore() {
        assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, "acme"))))
                .isInstanceOf(InvalidBucketSettingException.class)
                .hasMessage("sluice.project is set but sluice.env is not: set both to name the buckets {project}-{env}-{purpose}, "
                        + "or neither for the local buckets");
        assertThatThrownBy(() -> Buckets.check(settings(Map.of(Buckets.PROJECT, "acme", Buckets.ENV, "prod",
                Buckets.GCS_ENABLED, "true", Buckets.OBS_ENDPOINT, "http://obs")))).isInstanceOf(InvalidBucketSettingException.class)
                .hasMessageContaining("set sluice.buckets.raw-data (and the other buckets) explicitly");
        // with every bucket explicit, nothing is left to name
        Map<String, String> explicit = new HashMap<>(Map.of(Buckets.PROJECT, "acme", Buckets.GCS_ENABLED, "true",
                Buckets.OBS_ENDPOINT, "http://obs"));
        for (Purpose purpose : Purpose.values()) {
            explicit.put(purpose.property(), "gs://b-" + purpose.key() + "/");
        }
        Buckets.check(settings(explicit));
    }

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        Map<String, String> copy = new HashMap<>(settings);
        copy.put(name, value);
        return copy;
    }

    private static UnaryOperator<String> settings(Map<String, String> given) {
        Map<String, String> all = with(given, Buckets.LOCAL_ROOT, ROOT);
        return all::get;
    }
}
