package io.sluice.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The supervisor restarts real processes that die, with backoff, reports each step, and gives up on one that keeps failing. */
class SupervisorTests {

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private Supervisor supervisor;

    @AfterEach
    void stop() {
        if (supervisor != null) {
            supervisor.close();
            supervisor.stop(supervisor.children(), Duration.ofSeconds(5));
        }
    }

    private static Process sleeper() throws java.io.IOException {
        return new ProcessBuilder("sleep", "600").start();
    }

    @Test
    void restartsAProcessKilledWithSigkillAndReportsItUntilItIsHealthyAgain() throws Exception {
        supervisor = new Supervisor(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMinutes(1), 5),
                reports::add, changes::incrementAndGet);
        Supervisor.Child child = supervisor.start("ingest-service-2", "ingest-service", 2, 8181, Path.of("ingest-service-2.log"),
                SupervisorTests::sleeper, () -> true);
        await().atMost(Duration.ofSeconds(30)).until(() -> child.state() == Supervisor.State.UP);
        long firstPid = child.process().pid();

        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // kill -9

        await().atMost(Duration.ofSeconds(30)).until(() -> child.restarts() == 1 && child.state() == Supervisor.State.UP);
        assertThat(child.process().pid()).isNotEqualTo(firstPid);
        assertThat(child.process().isAlive()).isTrue();
        assertThat(reports).anyMatch(r -> r.equals("sluice: ingest-service-2 (pid " + firstPid + ") exited with 137 (killed: SIGKILL); log: ingest-service-2.log"))
                .anyMatch(r -> r.startsWith("sluice: restarting ingest-service-2 in 0.2 s (failure 1 in a row)"))
                .anyMatch(r -> r.startsWith("sluice: ingest-service-2 is UP again (pid " + child.process().pid() + "), "));
        assertThat(child.snapshot()).satisfies(p -> {
            assertThat(p.pid()).isEqualTo(child.process().pid());
            assertThat(p.state()).isEqualTo("UP");
            assertThat(p.restarts()).isEqualTo(1);
            assertThat(p.lastExit()).isEqualTo(137);
        });
        assertThat(changes.get()).as("every state change is published (stack.json)").isGreaterThanOrEqualTo(4);
    }

    @Test
    void givesUpOnAProcessThatKeepsExitingAndSaysSo() throws Exception {
        supervisor = new Supervisor(new Backoff(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMinutes(1), 3),
                reports::add, changes::incrementAndGet);
        Supervisor.Child child = supervisor.start("kafka-2", "kafka", 2, 9094, Path.of("kafka-2.log"),
                () -> new ProcessBuilder("sh", "-c", "exit 3").start(), () -> false);

        await().atMost(Duration.ofSeconds(30)).until(() -> child.state() == Supervisor.State.FAILED);

        assertThat(child.restarts()).isEqualTo(2);
        assertThat(child.snapshot().lastExit()).isEqualTo(3);
        assertThat(reports).filteredOn(r -> r.contains("exited with 3")).hasSize(3);
        assertThat(reports).last().asString().startsWith("sluice: kafka-2 failed 3 times in a row").contains("not restarting it again");
    }

    @Test
    void forgetsEarlierFailuresOnceTheProcessStayedHealthy() throws Exception {
        supervisor = new Supervisor(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(2), 5),
                reports::add, changes::incrementAndGet);
        Supervisor.Child child = supervisor.start("console", "console", 1, 8080, Path.of("console.log"), SupervisorTests::sleeper, () -> true);
        await().atMost(Duration.ofSeconds(30)).until(() -> child.state() == Supervisor.State.UP);

        child.process().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> child.restarts() == 1 && child.state() == Supervisor.State.UP);
        child.process().destroyForcibly(); // again at once: the second failure in a row waits twice as long
        await().atMost(Duration.ofSeconds(30)).until(() -> child.restarts() == 2 && child.state() == Supervisor.State.UP);
        long healthySince = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - healthySince > Duration.ofSeconds(4).toNanos());
        child.process().destroyForcibly(); // after staying healthy: the first failure again

        await().atMost(Duration.ofSeconds(30)).until(() -> child.restarts() == 3 && child.state() == Supervisor.State.UP);
        assertThat(reports).filteredOn(r -> r.startsWith("sluice: restarting console"))
                .extracting(r -> r.substring(r.indexOf("(failure")))
                .containsExactly("(failure 1 in a row)", "(failure 2 in a row)", "(failure 1 in a row)");
    }

    @Test
    void doublesTheDelayUpToItsLimit() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 8);
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7).stream().map(backoff::delay).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }
}
