package io.sluice.inference.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.inference.domain.ModelLoader;
import io.sluice.inference.domain.Role;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.ServedModel;

/** The model cache's cap: least recently used versions go, never one the host holds. */
class ModelCacheTests {

    @TempDir
    Path dir;

    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final MutableClock clock = new MutableClock();
    private final ServedModel served = (ServedModel) Proxy.newProxyInstance(ServedModel.class.getClassLoader(),
            new Class<?>[] {ServedModel.class}, (proxy, method, args) -> null);

    /** Fills the cache as the DJL loader does: each version's files under {@code <dir>/<model>/<version>/}, 100 bytes. */
    private final ModelLoader filling = (model, route) -> {
        Path folder = Files.createDirectories(dir.resolve(model).resolve(route.version()));
        Files.write(folder.resolve("parameters.params"), new byte[90]);
        Files.write(folder.resolve("model-card.json"), new byte[10]);
        return served;
    };

    private ModelCache cache;

    @org.junit.jupiter.api.BeforeEach
    void cache() {
        cache = new ModelCache(filling, dir, 300, () -> Set.copyOf(held), clock); // 3 versions fit
    }

    private static Route route(String version, Role role, int weight) {
        return new Route(version, role, weight, "file:/models/digits/" + version + "/");
    }

    private ServedModel load(String version) throws Exception {
        clock.advance();
        return cache.load("digits", route(version, Role.STABLE, 100));
    }

    private boolean cached(String version) {
        return Files.isDirectory(dir.resolve("digits").resolve(version));
    }

    @Test
    void evictsTheLeastRecentlyUsedVersionsOnceOverTheCap() throws Exception {
        assertThat(load("v1")).isSameAs(served);
        load("v2");
        load("v3");
        load("v1"); // used again: v2 is now the least recent

        load("v4");

        assertThat(cached("v2")).isFalse();
        assertThat(cached("v1")).isTrue();
        assertThat(cached("v3")).isTrue();
        assertThat(cached("v4")).isTrue();
    }

    @Test
    void neverEvictsAVersionTheHostHoldsSoTheStableStaysCachedThroughACanary() throws Exception {
        load("v1");
        held.add("digits/v1"); // stable, weight 90, the oldest in the cache
        load("v2");
        load("v3");
        held.add("digits/v4"); // the canary, weight 10
        load("v4");

        assertThat(cached("v1")).isTrue();
        assertThat(cached("v2")).isFalse();
        assertThat(cached("v3")).isTrue();

        load("v5");
        assertThat(cached("v1")).isTrue();
        assertThat(cached("v3")).isFalse();
        assertThat(cached("v4")).isTrue();
    }

    @Test
    void staysOverTheCapRatherThanEvictingHeldVersions() throws Exception {
        for (String version : new String[] {"v1", "v2", "v3", "v4"}) {
            held.add("digits/" + version);
            load(version);
        }

        assertThat(cache.trim()).isEmpty();
        assertThat(dir.resolve("digits")).isDirectoryContaining(p -> p.getFileName().toString().equals("v1"));
        assertThat(cached("v1") && cached("v2") && cached("v3") && cached("v4")).isTrue();
    }

    @Test
    void ordersVersionsCachedBeforeARestartByTheirFolderTime() throws Exception {
        for (String version : new String[] {"old", "older"}) {
            Path folder = Files.createDirectories(dir.resolve("digits").resolve(version));
            Files.write(folder.resolve("parameters.params"), new byte[100]);
        }
        Files.setLastModifiedTime(dir.resolve("digits/older"), java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(2))));
        Files.setLastModifiedTime(dir.resolve("digits/old"), java.nio.file.attribute.FileTime.from(clock.instant().minus(Duration.ofDays(1))));
        load("v1");
        load("v2");

        assertThat(cached("older")).isFalse();
        assertThat(cached("old")).isTrue();
        assertThat(cached("v1")).isTrue();
        assertThat(cached("v2")).isTrue();
    }

    @Test
    void aCapOfZeroEvictsNothing() throws IOException {
        ModelCache uncapped = new ModelCache(filling, dir, 0, Set::of, clock);
        assertThat(uncapped.trim()).isEmpty();
    }

    /** A clock that moves one second per {@link #advance}, so loads have distinct times. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance() {
            now = now.plusSeconds(1);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
