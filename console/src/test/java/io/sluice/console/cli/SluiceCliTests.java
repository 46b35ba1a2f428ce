package io.sluice.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a whole: help on every command, exit codes, and readable errors when the stack is down. */
class SluiceCliTests {

    static final List<String> COMMANDS = List.of("events", "upload", "status", "promote", "rollback", "pause", "resume", "predict", "runs");

    @TempDir
    Path temp;

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void listsEveryCommandWithTheEnvironmentAndExitCodes() {
        CliRun help = CliRun.run(Map.of(), "help");
        CliRun bare = CliRun.run(Map.of());

        assertThat(help.exitCode).isZero();
        for (String command : COMMANDS) {
            assertThat(help.out()).containsPattern("(?m)^  " + command + " +\\S");
        }
        assertThat(help.out()).contains("SLUICE_KAFKA").contains("SLUICE_TOKEN").contains("SLUICE_BUCKETS_RAW_DATA")
                .contains("Exit codes: 0 ok, 1 failure, 2 usage error.");
        assertThat(bare.exitCode).isEqualTo(2);
        assertThat(bare.err()).contains("missing command").contains("Try 'sluice --help'");
    }

    @Test
    void everyCommandHasHelpWithItsUsageAndWhatItDoes() {
        for (String command : COMMANDS) {
            CliRun viaHelp = CliRun.run(Map.of(), "help", command);
            CliRun viaOption = CliRun.run(Map.of(), command, "--help");

            assertThat(viaHelp.exitCode).as(command).isZero();
            assertThat(viaOption.exitCode).as(command).isZero();
            assertThat(viaHelp.out()).as(command).startsWith("Usage: sluice " + command).isEqualTo(viaOption.out());
            List<String> lines = viaHelp.out().lines().toList();
            int description = (int) lines.stream().takeWhile(l -> l.startsWith("Usage:") || l.startsWith(" ")).count();
            assertThat(lines.get(description)).as(command + " describes itself after its synopsis").isNotBlank().doesNotStartWith(" ");
            // every line fits an 80-column terminal
            assertThat(lines).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        }
    }

    @Test
    void aUsageErrorShowsTheSynopsisAndWhereToReadMoreAndExitsWithTwo() {
        CliRun unknownOption = CliRun.run(Map.of(), "upload", temp.toString(), "-d", "x", "--bogus");
        assertThat(unknownOption.exitCode).isEqualTo(2);
        assertThat(unknownOption.err()).startsWith("Unknown option: '--bogus'").contains("Usage: sluice upload")
                .contains("Try 'sluice upload --help' for more information.").doesNotContain("--gcs-project=ID  ");
        assertThat(unknownOption.out()).isEmpty();

        CliRun unknownCommand = CliRun.run(Map.of(), "promot", "digits");
        assertThat(unknownCommand.exitCode).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("Did you mean: sluice promote");

        CliRun missing = CliRun.run(Map.of(), "predict");
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: 'MODEL'").contains("Try 'sluice predict --help'");
    }

    @Test
    void refusesAnEventTypeThatDoesNotExistBeforeWaitingForIt() {
        CliRun run = CliRun.run(Map.of("SLUICE_KAFKA", "127.0.0.1:1"), "events", "--follow", "--type", "RolledBak");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err()).contains("unknown event type 'RolledBak'").contains("RolledBack").contains("DatasetReady");
    }

    @Test
    void saysTheStackIsNotRunningWhenKafkaCannotBeReached() throws Exception {
        String kafka = "127.0.0.1:" + freePort();
        for (String[] args : List.of(new String[] {"events"}, new String[] {"events", "--follow", "--type", "RolledBack"})) {
            CliRun run = CliRun.run(Map.of("SLUICE_KAFKA", kafka), args);

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).startsWith("sluice events: cannot reach Kafka at " + kafka)
                    .contains("is the stack running (./sluice up)?").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void saysTheStackIsNotRunningWhenTheInferenceServiceCannotBeReached() throws Exception {
        Path image = Files.write(temp.resolve("seven.png"), new byte[] {1, 2, 3});
        String url = "http://127.0.0.1:" + freePort();

        CliRun run = CliRun.run(Map.of("SLUICE_INFERENCE_URL", url), "predict", "digits", image.toString());

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).startsWith("sluice predict: cannot connect to " + url).contains("./sluice up").doesNotContain("\tat ");
    }

    @Test
    void runsCompareTakesTwoToSixRunsAndSaysWhenTheConsoleCannotBeReached() throws Exception {
        CliRun help = CliRun.run(Map.of(), "runs", "compare", "--help");
        assertThat(help.exitCode).isZero();
        assertThat(help.out()).startsWith("Usage: sluice runs compare").contains("confusion matrices");
        assertThat(help.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));

        CliRun one = CliRun.run(Map.of(), "runs", "compare", "only-one");
        assertThat(one.exitCode).isEqualTo(2);
        assertThat(one.err()).contains("RUN").contains("Try 'sluice runs compare --help'");

        String url = "http://127.0.0.1:" + freePort();
        CliRun down = CliRun.run(Map.of("SLUICE_CONSOLE_URL", url), "runs", "--model", "digits");
        assertThat(down.exitCode).isEqualTo(1);
        assertThat(down.err()).startsWith("sluice runs: cannot connect to " + url).contains("./sluice up").doesNotContain("\tat ");
    }
}
