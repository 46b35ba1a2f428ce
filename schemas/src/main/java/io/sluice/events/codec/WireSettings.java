package io.sluice.events.codec;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a process writes events and where it looks up registry ids: the settings
 * {@value #WIRE_FORMAT} ({@code single-object}, the default, or {@code confluent}) and
 * {@value #REGISTRY_URL} (the base of a Confluent-compatible API, e.g. Apicurio's
 * {@code http://host:8080/apis/ccompat/v7}). Readers always accept both formats; with a registry URL
 * they also decode registry-framed records, so set the URL everywhere first, then switch writers.
 *
 * @param write    the format every producer writes
 * @param registry the registry's Confluent-compatible API; required to write {@link WireFormat#CONFLUENT}
 */
public record WireSettings(WireFormat write, Optional<URI> registry) {

    /** Setting (Spring property and Kafka serde config): {@code single-object} or {@code confluent}. */
    public static final String WIRE_FORMAT = "sluice.events.wire-format";
    /** Setting: the registry's Confluent-compatible API base URL; empty for none. */
    public static final String REGISTRY_URL = "sluice.events.registry-url";

    /** Single-object encoding, no registry. */
    public static final WireSettings DEFAULT = new WireSettings(WireFormat.SINGLE_OBJECT, Optional.empty());

    public WireSettings {
        if (write == WireFormat.CONFLUENT && registry.isEmpty()) {
            throw new IllegalArgumentException(WIRE_FORMAT + "=confluent needs " + REGISTRY_URL);
        }
    }

    /** Reads both settings through a lookup (a Spring environment, a Kafka client config); absent values keep the defaults. */
    public static WireSettings from(Function<String, ?> settings) {
        String format = text(settings.apply(WIRE_FORMAT));
        String url = text(settings.apply(REGISTRY_URL));
        return new WireSettings(format.isEmpty() ? WireFormat.SINGLE_OBJECT : parse(format),
                url.isEmpty() ? Optional.empty() : Optional.of(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url)));
    }

    private static WireFormat parse(String format) {
        return switch (format.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "single-object" -> WireFormat.SINGLE_OBJECT;
            case "confluent" -> WireFormat.CONFLUENT;
            default -> throw new IllegalArgumentException(WIRE_FORMAT + " must be single-object or confluent, not '" + format + "'");
        };
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString().strip();
    }
}
