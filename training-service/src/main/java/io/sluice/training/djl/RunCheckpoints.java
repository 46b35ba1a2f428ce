package io.sluice.training.djl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.sluice.models.ModelCard;
import io.sluice.training.domain.EpochResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-run working folder ({@code <root>/<runId>/}) where a local run checkpoints after every
 * epoch, so that a run interrupted by a crash or shutdown continues with the next epoch. Files:
 * {@code epoch-<n>.params} (parameters after epoch n), {@code best-<n>.params} (parameters of the
 * best epoch so far) and {@code checkpoint.json} (the state below), written last and atomically, so
 * a crash mid-write leaves the previous checkpoint intact. Optimizer moments are not saved (DJL
 * does not expose them).
 */
final class RunCheckpoints {

    private static final Logger LOG = Logger.getLogger(RunCheckpoints.class.getName());
    private static final String STATE_FILE = "checkpoint.json";
    private static final ObjectMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * The state of a run after an epoch.
     *
     * @param fingerprint   what the run trains (dataset version, input, classes, architecture, settings); a checkpoint
     *                      whose fingerprint differs from the redone run's is discarded
     * @param epoch         last finished epoch (1-based)
     * @param bestEpoch     best epoch so far
     * @param sinceBest     epochs since the best one (early-stopping counter)
     * @param history       metrics of epochs 1..epoch
     * @param normalisation the standardisation the run trains with
     * @param parentVersion version warm-started from, or null
     */
    record State(String fingerprint, int epoch, int bestEpoch, int sinceBest, List<EpochResult> history, ModelCard.Normalisation normalisation,
                 String parentVersion) {

        String parametersFile() {
            return "epoch-" + epoch + ".params";
        }

        String bestParametersFile() {
            return "best-" + bestEpoch + ".params";
        }
    }

    /** A checkpoint that was read back: its state and both parameter sets. */
    record Resumed(State state, byte[] parameters, byte[] bestParameters) {}

    private final Path root;

    /** @param root folder holding one working folder per run */
    RunCheckpoints(Path root) {
        this.root = root;
    }

    /** The run's last checkpoint when there is one that matches the fingerprint; a mismatching or unreadable one is discarded. */
    Optional<Resumed> read(String runId, String fingerprint) {
        Path folder = folder(runId);
        Path stateFile = folder.resolve(STATE_FILE);
        if (!Files.exists(stateFile)) {
            return Optional.empty();
        }
        try {
            State state = JSON.readValue(Files.readAllBytes(stateFile), State.class);
            if (!fingerprint.equals(state.fingerprint())) {
                LOG.info(() -> "run " + runId + " has a checkpoint of other data or settings; starting it from scratch");
                discard(runId);
                return Optional.empty();
            }
            return Optional.of(new Resumed(state, Files.readAllBytes(folder.resolve(state.parametersFile())),
                    Files.readAllBytes(folder.resolve(state.bestParametersFile()))));
        } catch (IOException | JacksonException e) {
            LOG.log(Level.WARNING, "cannot read the checkpoint of run " + runId + "; starting it from scratch", e);
            discard(runId);
            return Optional.empty();
        }
    }

    /**
     * Writes the checkpoint after an epoch: the parameter files first, then the state (atomic move), then
     * drops parameter files the new state no longer names.
     *
     * @param bestParameters parameters of the best epoch, or null when the best epoch is this one
     */
    void write(String runId, State state, byte[] parameters, byte[] bestParameters) throws IOException {
        Path folder = Files.createDirectories(folder(runId));
        write(folder, state.parametersFile(), parameters);
        if (!Files.exists(folder.resolve(state.bestParametersFile())) || state.bestEpoch() == state.epoch()) {
            write(folder, state.bestParametersFile(), bestParameters == null ? parameters : bestParameters);
        }
        write(folder, STATE_FILE, JSON.writeValueAsBytes(state));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".params") && !name.equals(state.parametersFile()) && !name.equals(state.bestParametersFile())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Removes the run's working folder (the run finished, or its checkpoint is of no use). */
    void discard(String runId) {
        Path folder = folder(runId);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the working folder of run " + runId, e);
        }
    }

    /** A SHA-256 over what a checkpoint must match, one part per line. */
    static String fingerprint(String... parts) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private Path folder(String runId) {
        if (!runId.matches("[A-Za-z0-9._-]+") || runId.startsWith(".")) {
            throw new IllegalArgumentException("run id '" + runId + "' is not a safe folder name");
        }
        return root.resolve(runId);
    }

    private static void write(Path folder, String name, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(folder, name, ".tmp");
        Files.write(temp, bytes);
        try {
            Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
