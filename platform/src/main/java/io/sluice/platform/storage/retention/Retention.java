package io.sluice.platform.storage.retention;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How long the buckets keep what they hold (settings {@code sluice.retention.models} and {@code sluice.retention.staging}).
 *
 * @param models  age after which a model version that nothing protects is deleted (default 90 days)
 * @param staging age after which a temporary object of the staging bucket is deleted (default 1 day)
 * @param stagingPrefixes where the staging bucket's temporary objects are (setting {@code sluice.retention.staging-prefixes}):
 *                training's checkpoints and trials and cloud jobs' output by default; the rest of the bucket (the
 *                training run and search journals, which de-duplicate and resume runs) is not temporary and stays
 */
public record Retention(Duration models, Duration staging, List<String> stagingPrefixes) {

    public static final String MODELS = "sluice.retention.models";
    public static final String STAGING = "sluice.retention.staging";
    public static final String STAGING_PREFIXES = "sluice.retention.staging-prefixes";
    public static final List<String> DEFAULT_STAGING_PREFIXES = List.of("training/checkpoints/", "training/trials/", "vertex/");
    public static final Retention DEFAULT = new Retention(Duration.ofDays(90), Duration.ofDays(1), DEFAULT_STAGING_PREFIXES);

    /** The default temporary prefixes. */
    public Retention(Duration models, Duration staging) {
        this(models, staging, DEFAULT_STAGING_PREFIXES);
    }

    public Retention {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(staging, "staging");
        stagingPrefixes = List.copyOf(stagingPrefixes);
        if (stagingPrefixes.isEmpty() || stagingPrefixes.stream().anyMatch(p -> p.isBlank() || !p.endsWith("/"))) {
            throw new IllegalArgumentException("staging prefixes are folders ending with '/', at least one: " + stagingPrefixes);
        }
        if (models.isNegative() || models.isZero() || staging.isNegative() || staging.isZero()) {
            throw new IllegalArgumentException("retention must be positive: models " + models + ", staging " + staging);
        }
    }
}
