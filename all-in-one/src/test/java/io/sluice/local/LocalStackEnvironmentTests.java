package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalStackEnvironmentTests {

    @Test
    void servicesOfTheLocalStackIgnoreTheShellsBucketNaming() {
        Map<String, String> env = new HashMap<>(Map.of("SLUICE_PROJECT", "acme", "SLUICE_ENV", "prod",
                "SLUICE_BUCKETS_RAW_DATA", "gs://acme-prod-raw-data/", "SLUICE_KAFKA", "elsewhere:9092", "PATH", "/usr/bin"));

        LocalStack.withoutBucketNaming(env);

        assertThat(env).containsOnlyKeys("SLUICE_KAFKA", "PATH");
    }
}
