package io.sluice.platform.storage;

/**
 * A bucket lifecycle rule as Sluice uses it: the store deletes objects under a prefix once they are
 * {@code ageDays} old (counted from their creation, in whole days, as GCS and OBS count).
 *
 * @param prefix  key prefix the rule applies to; empty for the whole bucket
 * @param ageDays age in days at which an object is deleted (at least 1)
 */
public record LifecycleRule(String prefix, int ageDays) {

    public LifecycleRule {
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty()) {
            ObjectKeys.requireSafe(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        }
        if (ageDays < 1) {
            throw new IllegalArgumentException("a lifecycle rule deletes objects at least 1 day old, got " + ageDays);
        }
    }

    /** A rule's name where the store wants one (OBS): {@code sluice-<days>d} or {@code sluice-<prefix>-<days>d}. */
    public String id() {
        String part = prefix.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
        return "sluice-" + (part.isEmpty() ? "" : part + "-") + ageDays + "d";
    }

    /** Days of a retention, rounded up to whole days (lifecycle rules count days), at least 1. */
    public static int days(java.time.Duration retention) {
        long seconds = retention.toSeconds();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (seconds + 86_399) / 86_400));
    }
}
