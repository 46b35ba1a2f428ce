package io.sluice.ingest.domain;

import java.util.Locale;

/** How keys inside a dataset are classified: completion markers, images, CSV files, hidden files. */
public final class DatasetLayouts {

    public static final String SUCCESS_MARKER = "_SUCCESS";
    public static final String MANIFEST_MARKER = "manifest.json";

    private DatasetLayouts() {}

    /** {@code _SUCCESS} or {@code manifest.json} at the top of the dataset. */
    public static boolean isMarker(String relativeKey) {
        return SUCCESS_MARKER.equals(relativeKey) || MANIFEST_MARKER.equals(relativeKey);
    }

    public static boolean isImage(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg");
    }

    public static boolean isCsv(String key) {
        return key.toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    /** Files such as {@code .DS_Store} or editor swap files: never part of a dataset. */
    public static boolean isHidden(String key) {
        for (String segment : key.split("/")) {
            if (segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
