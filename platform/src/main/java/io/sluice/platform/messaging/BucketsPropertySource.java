package io.sluice.platform.messaging;

import java.util.stream.Stream;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

import io.sluice.platform.storage.Buckets;
import io.sluice.platform.storage.Buckets.Purpose;

/**
 * Serves {@code sluice.buckets.raw-data|training|models|staging} from platform's {@link Buckets}, below every
 * other source: an explicit setting anywhere above wins, and the values follow settings added later (a test's
 * {@code sluice.data-dir}) because they are resolved on each read, not copied at start-up.
 */
final class BucketsPropertySource extends EnumerablePropertySource<Purpose[]> {

    static final String NAME = "sluice-buckets";
    private static final String[] NAMES = Stream.of(Purpose.values()).map(Purpose::property).toArray(String[]::new);

    /** Not the source: Spring Boot walks into a property source whose source is an environment, endlessly here. */
    private final ConfigurableEnvironment environment;

    BucketsPropertySource(ConfigurableEnvironment environment) {
        super(NAME, Purpose.values());
        this.environment = environment;
    }

    @Override
    public String[] getPropertyNames() {
        return NAMES.clone();
    }

    @Override
    public Object getProperty(String name) {
        for (Purpose purpose : Purpose.values()) {
            if (purpose.property().equals(name)) {
                return Buckets.resolve(purpose, this::setting);
            }
        }
        return null;
    }

    /** A setting as the service sees it; a bucket read here was set nowhere above, so it is not explicit. */
    String setting(String name) {
        return name.startsWith("sluice.buckets.") ? null : environment.getProperty(name);
    }
}
