package io.sluice.platform.storage;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names the four buckets; the one place that does. For each purpose, highest first:
 * <ol>
 * <li>an explicit setting {@code sluice.buckets.<purpose>} (any URI, taken as written);</li>
 * <li>with both {@code sluice.project} and {@code sluice.env} set, the bucket {@code {project}-{env}-{purpose}}:
 *     {@code gs://} when the GCS store is on ({@code sluice.storage.gcs.enabled=true}), {@code obs://} when the
 *     OBS store is ({@code sluice.storage.obs.endpoint}), else a folder under {@code sluice.storage.local-root};</li>
 * <li>else the local stack's bucket {@code sluice-local-<purpose>} under {@code sluice.storage.local-root}.</li>
 * </ol>
 * A project or environment that cannot name a GCS and OBS bucket (3–63 lowercase letters, digits and hyphens)
 * is refused with an {@link InvalidBucketSettingException}, as is setting only one of the two.
 */
public final class Buckets {

    public static final String PROJECT = "sluice.project";
    public static final String ENV = "sluice.env";
    public static final String LOCAL_ROOT = "sluice.storage.local-root";
    public static final String GCS_ENABLED = "sluice.storage.gcs.enabled";
    public static final String OBS_ENDPOINT = "sluice.storage.obs.endpoint";

    private static final Pattern PART = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final String LOCAL_PROJECT = "sluice";
    private static final String LOCAL_ENV = "local";

    /** What a bucket holds; its key names the setting and ends the conventional name. */
    public enum Purpose {
        RAW_DATA("raw-data"), TRAINING("training"), MODELS("models"), STAGING("staging");

        private final String key;

        Purpose(String key) {
            this.key = key;
        }

        /** {@code raw-data}, {@code training}, {@code models} or {@code staging}. */
        public String key() {
            return key;
        }

        /** The explicit setting, e.g. {@code sluice.buckets.raw-data}. */
        public String property() {
            return "sluice.buckets." + key;
        }
    }

    private Buckets() {
    }

    /** Every setting a user may give to place the buckets (the four explicit URIs, project and environment). */
    public static List<String> settings() {
        return Stream.concat(Stream.of(Purpose.values()).map(Purpose::property), Stream.of(PROJECT, ENV)).toList();
    }

    /** The local stack's bucket name for a purpose, e.g. {@code sluice-local-raw-data}. */
    public static String localName(Purpose purpose) {
        return LOCAL_PROJECT + "-" + LOCAL_ENV + "-" + purpose.key();
    }

    /**
     * The URI of a purpose's bucket, ending with '/' unless set explicitly without one.
     *
     * @param settings looks a setting up by its canonical name ({@link #PROJECT}, {@link Purpose#property()} …); null or
     *                 blank when unset
     * @throws InvalidBucketSettingException when the project or environment cannot name the bucket
     */
    public static String resolve(Purpose purpose, UnaryOperator<String> settings) {
        String explicit = settings.apply(purpose.property());
        if (present(explicit)) {
            return explicit.strip();
        }
        String project = settings.apply(PROJECT);
        String env = settings.apply(ENV);
        if (!present(project) && !present(env)) {
            return localFolder(settings) + localName(purpose) + "/";
        }
        String name = name(project, env, purpose); // refused before the store is looked for
        return location(purpose, settings) + name + "/";
    }

    /** Resolves all four buckets once, so that unusable settings stop a service at start-up rather than on first use. */
    public static void check(UnaryOperator<String> settings) {
        for (Purpose purpose : Purpose.values()) {
            resolve(purpose, settings);
        }
    }

    /** {@code {project}-{env}-{purpose}}, refused unless it is a valid GCS and OBS bucket name. */
    static String name(String project, String env, Purpose purpose) {
        if (!present(project) || !present(env)) {
            String missing = present(project) ? ENV : PROJECT;
            throw new InvalidBucketSettingException((present(project) ? PROJECT : ENV) + " is set but " + missing
                    + " is not: set both to name the buckets {project}-{env}-{purpose}, or neither for the local buckets");
        }
        String p = part(PROJECT, project);
        String e = part(ENV, env);
        String name = p + "-" + e + "-" + purpose.key();
        if (name.length() < 3 || name.length() > 63) {
            throw new InvalidBucketSettingException("the bucket name " + name + " has " + name.length()
                    + " characters; GCS and OBS allow 3 to 63: shorten " + PROJECT + " or " + ENV);
        }
        if (name.startsWith("goog") || name.contains("google")) {
            throw new InvalidBucketSettingException("the bucket name " + name
                    + " starts with \"goog\" or contains \"google\", which GCS refuses: change " + PROJECT + " or " + ENV);
        }
        return name;
    }

    private static String part(String setting, String value) {
        String part = value.strip();
        if (part.length() > 63 || !PART.matcher(part).matches()) {
            throw new InvalidBucketSettingException(setting + " '" + shown(part) + "' cannot name buckets: use lowercase letters, "
                    + "digits and hyphens, starting and ending with a letter or digit (buckets are named "
                    + "{project}-{env}-{purpose}, e.g. acme-prod-models)");
        }
        return part;
    }

    private static String location(Purpose purpose, UnaryOperator<String> settings) {
        boolean gcs = "true".equals(String.valueOf(settings.apply(GCS_ENABLED)).strip().toLowerCase(Locale.ROOT));
        boolean obs = present(settings.apply(OBS_ENDPOINT));
        if (gcs && obs) {
            throw new InvalidBucketSettingException("both the GCS store (" + GCS_ENABLED + ") and the OBS store (" + OBS_ENDPOINT
                    + ") are on, so " + PROJECT + " and " + ENV + " cannot tell where the buckets are: set "
                    + purpose.property() + " (and the other buckets) explicitly");
        }
        return gcs ? "gs://" : obs ? "obs://" : localFolder(settings);
    }

    private static String localFolder(UnaryOperator<String> settings) {
        String root = settings.apply(LOCAL_ROOT);
        if (!present(root)) {
            throw new InvalidBucketSettingException(LOCAL_ROOT + " is not set, so the local buckets have no folder");
        }
        String folder = root.strip();
        return "file:" + folder + (folder.endsWith("/") ? "" : "/");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String shown(String value) {
        String printable = value.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}
