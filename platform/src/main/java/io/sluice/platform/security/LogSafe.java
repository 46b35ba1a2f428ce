package io.sluice.platform.security;

/**
 * Makes text from outside (object keys, ids, header values) safe for one log line: control characters (CR, LF, NUL, …,
 * and Unicode line separators) are escaped ({@code \n}, {@code \r}, {@code \t}, others as a Unicode escape), so nobody can forge a log line; long text is
 * cut at {@value #MAX} characters.
 */
public final class LogSafe {

    static final int MAX = 512;

    private LogSafe() {}

    /** The text with control characters escaped; {@code "null"} for null. */
    public static String text(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        StringBuilder out = null;
        int length = Math.min(text.length(), MAX);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            String escaped = escape(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(length + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        String result = out == null ? text.substring(0, length) : out.toString();
        return text.length() > MAX ? result + "…(" + text.length() + " chars)" : result;
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> null;
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
