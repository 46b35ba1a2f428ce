package io.sluice.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Several creators start {@link ObjectStore#createIfAbsent} on one key at the same moment; used by every adapter's tests. */
public final class CreateRace {

    private CreateRace() {}

    /** Races {@code creators} threads, each with its own content; asserts one winner whose content the object holds, and returns it. */
    public static String race(ObjectStore store, URI object, int creators) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(creators);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < creators; i++) {
                byte[] content = ("claim-" + i).getBytes(StandardCharsets.UTF_8);
                results.add(pool.submit(() -> {
                    start.await();
                    return store.createIfAbsent(object, content);
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            for (int i = 0; i < creators; i++) {
                if (results.get(i).get()) {
                    winners.add("claim-" + i);
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(new String(store.read(object), StandardCharsets.UTF_8)).isEqualTo(winners.get(0));
            assertThat(store.createIfAbsent(object, "late".getBytes(StandardCharsets.UTF_8))).isFalse();
            assertThat(new String(store.read(object), StandardCharsets.UTF_8)).isEqualTo(winners.get(0));
            return winners.get(0);
        } finally {
            pool.shutdownNow();
        }
    }
}
