package io.sluice.platform.storage.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the buckets keep what they hold (settings {@code sluice.retention.models} and {@code sluice.retention.staging}).
 *
 * @param models  age after which a model version that nothing protects is deleted (default 90 days)
 * @param staging age after which any object of the staging bucket is deleted (default 1 day)
 */
public record Retention(Duration models, Duration staging) {

    public static final String MODELS = "sluice.retention.models";
    public static final String STAGING = "sluice.retention.staging";
    public static final Retention DEFAULT = new Retention(Duration.ofDays(90), Duration.ofDays(1));

    public Retention {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(staging, "staging");
        if (models.isNegative() || models.isZero() || staging.isNegative() || staging.isZero()) {
            throw new IllegalArgumentException("retention must be positive: models " + models + ", staging " + staging);
        }
    }
}
