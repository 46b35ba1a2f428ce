package io.sluice.inference.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BatcherTests {

    @Test
    void groupsConcurrentInputsUpToTheMaximumBatchSize() throws Exception {
        FakeModel model = new FakeModel(20);
        Batcher batcher = new Batcher("t", model, new BatchSettings(8, Duration.ofMillis(50), 100, Duration.ofSeconds(1)));
        List<CompletableFuture<Batcher.Result>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(batcher.submit(new float[] {i % 2, 0}));
        }
        for (int i = 0; i < 20; i++) {
            Batcher.Result result = results.get(i).get(5, TimeUnit.SECONDS);
            assertThat(result.scores().label()).isEqualTo(i % 2 == 1 ? "high" : "low");
            assertThat(result.batchSize()).isBetween(1, 8);
        }
        assertThat(model.batchSizes).allMatch(size -> size <= 8);
        assertThat(model.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20);
        assertThat(model.batchSizes.get(0)).isEqualTo(8);
        batcher.close();
    }

    @Test
    void answersALoneInputAfterTheQueueDelay() throws Exception {
        FakeModel model = new FakeModel(0);
        Batcher batcher = new Batcher("t", model, new BatchSettings(32, Duration.ofMillis(5), 100, Duration.ofSeconds(1)));
        assertThat(batcher.submit(new float[] {1, 0}).get(2, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
        batcher.close();
    }

    @Test
    void refusesInputsWhenTheQueueIsFull() throws Exception {
        FakeModel model = new FakeModel(300);
        Batcher batcher = new Batcher("t", model, new BatchSettings(1, Duration.ZERO, 2, Duration.ofSeconds(3)));
        batcher.submit(new float[] {1, 0});
        assertThat(model.started.tryAcquire(5, TimeUnit.SECONDS)).as("the worker takes the first one and is busy with it").isTrue();
        batcher.submit(new float[] {1, 0});
        batcher.submit(new float[] {1, 0});
        assertThatThrownBy(() -> batcher.submit(new float[] {1, 0})).isInstanceOfSatisfying(UnavailableException.class, e -> {
            assertThat(e.overloaded()).isTrue();
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        });
        batcher.close();
    }

    @Test
    void answersQueuedInputsBeforeClosingTheModel() throws Exception {
        FakeModel model = new FakeModel(20);
        Batcher batcher = new Batcher("t", model, new BatchSettings(1, Duration.ZERO, 10, Duration.ofSeconds(1)));
        List<CompletableFuture<Batcher.Result>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(batcher.submit(new float[] {1, 0}));
        }
        batcher.close();
        assertThat(batcher.awaitClosed(Duration.ofSeconds(5))).isTrue();
        for (CompletableFuture<Batcher.Result> result : results) {
            assertThat(result.get(1, TimeUnit.SECONDS).scores().label()).isEqualTo("high");
        }
        assertThat(model.closed).isTrue();
        assertThatThrownBy(() -> batcher.submit(new float[] {1, 0})).isInstanceOf(UnavailableException.class);
    }

    @Test
    void shedsInputsThatWouldWaitLongerThanTheBound() throws Exception {
        FakeModel model = new FakeModel(50);
        Batcher batcher = new Batcher("t", model, new BatchSettings(1, Duration.ZERO, 100, Duration.ofMillis(120), Duration.ofSeconds(2)));
        batcher.submit(new float[] {1, 0}).get(5, TimeUnit.SECONDS); // the time per input is now known: about 50 ms
        List<CompletableFuture<Batcher.Result>> accepted = new ArrayList<>();
        int shed = 0;
        for (int i = 0; i < 10; i++) {
            try {
                accepted.add(batcher.submit(new float[] {1, 0}));
            } catch (UnavailableException e) {
                assertThat(e.reason()).isEqualTo(UnavailableException.Reason.SHED);
                assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                shed++;
            }
        }
        assertThat(shed).as("a queue of more than 120 ms / 50 ms inputs is refused").isGreaterThanOrEqualTo(5);
        int answered = 0;
        for (CompletableFuture<Batcher.Result> result : accepted) {
            // the estimate may be short by the batch running now: such an input is shed when it is taken, never run late
            try {
                assertThat(result.get(5, TimeUnit.SECONDS).scores().label()).isEqualTo("high");
                answered++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfSatisfying(UnavailableException.class,
                        u -> assertThat(u.reason()).isEqualTo(UnavailableException.Reason.SHED));
            }
        }
        assertThat(answered).isPositive();
        batcher.close();
    }

    @Test
    void shedsInputsThatWaitedPastTheBoundInsteadOfRunningThem() throws Exception {
        FakeModel model = new FakeModel(300);
        Batcher batcher = new Batcher("t", model, new BatchSettings(1, Duration.ZERO, 100, Duration.ofMillis(100), Duration.ofSeconds(1)));
        // nothing has run yet, so nothing is known about the time per input: all three are queued
        CompletableFuture<Batcher.Result> first = batcher.submit(new float[] {1, 0});
        CompletableFuture<Batcher.Result> second = batcher.submit(new float[] {1, 0});
        CompletableFuture<Batcher.Result> third = batcher.submit(new float[] {0, 0});
        assertThat(first.get(5, TimeUnit.SECONDS).scores().label()).isEqualTo("high");
        for (CompletableFuture<Batcher.Result> late : List.of(second, third)) {
            assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UnavailableException.class)
                    .satisfies(e -> assertThat(((UnavailableException) e.getCause()).reason()).isEqualTo(UnavailableException.Reason.SHED));
        }
        assertThat(model.batchSizes.stream().mapToInt(Integer::intValue).sum()).as("only the first ran").isEqualTo(1);
        batcher.close();
    }

    @Test
    void refusesARequestWithMoreInputsThanTheQueueCanEverHold() {
        Batcher batcher = new Batcher("t", new FakeModel(0), new BatchSettings(2, Duration.ZERO, 4, Duration.ofSeconds(1)));
        List<float[]> five = java.util.Collections.nCopies(5, new float[] {1, 0});
        assertThatThrownBy(() -> batcher.submitAll(five, System.nanoTime())).isInstanceOf(TooLargeException.class).hasMessageContaining("at most 4");
        assertThat(batcher.queued()).isZero();
        batcher.close();
    }
}
