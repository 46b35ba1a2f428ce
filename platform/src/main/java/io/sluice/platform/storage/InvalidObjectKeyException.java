package io.sluice.platform.storage;

/** An object key or URI that could escape its bucket or is otherwise unusable. */
public class InvalidObjectKeyException extends IllegalArgumentException {

    public InvalidObjectKeyException(String key, String why) {
        super("invalid object key '" + printable(key) + "': " + why);
    }

    private static String printable(String key) {
        String shown = key == null ? "null" : key.replace("\0", "\\0");
        return shown.length() > 200 ? shown.substring(0, 200) + "…" : shown;
    }
}
