package io.sluice.training.djl;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import io.sluice.models.ModelCard;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.training.domain.EpochResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The per-run checkpoint prefix in the object store ({@code <root><runId>/}) where a local run
 * checkpoints after every epoch, so that a run interrupted by a crash, a shutdown or a handover to
 * another replica continues with the next epoch — on whichever replica owns it then. Objects:
 * {@code epoch-<n>.params} (parameters after epoch n), {@code best-<n>.params} (parameters of the
 * best epoch so far) and {@code checkpoint.json} (the state below), written last (an object is
 * replaced whole), so a crash mid-write leaves the previous checkpoint intact. Optimizer moments
 * are not saved (DJL does not expose them).
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

    private final ObjectStore store;
    private final URI root;

    /** @param root prefix holding one prefix per run, ending with '/' */
    RunCheckpoints(ObjectStore store, URI root) {
        if (!root.toString().endsWith("/")) {
            throw new IllegalArgumentException("the checkpoints URI must end with '/': " + root);
        }
        this.store = store;
        this.root = root;
    }

    /** The run's last checkpoint when there is one that matches the fingerprint; a mismatching or unreadable one is discarded. */
    Optional<Resumed> read(String runId, String fingerprint) {
        URI folder = folder(runId);
        try {
            if (store.stat(ObjectKeys.resolve(folder, STATE_FILE)).isEmpty()) {
                return Optional.empty();
            }
            State state = JSON.readValue(store.read(ObjectKeys.resolve(folder, STATE_FILE)), State.class);
            if (!fingerprint.equals(state.fingerprint())) {
                LOG.info(() -> "run " + runId + " has a checkpoint of other data or settings; starting it from scratch");
                discard(runId);
                return Optional.empty();
            }
            return Optional.of(new Resumed(state, store.read(ObjectKeys.resolve(folder, state.parametersFile())),
                    store.read(ObjectKeys.resolve(folder, state.bestParametersFile()))));
        } catch (IOException | JacksonException e) {
            LOG.log(Level.WARNING, "cannot read the checkpoint of run " + runId + "; starting it from scratch", e);
            discard(runId);
            return Optional.empty();
        }
    }

    /**
     * Writes the checkpoint after an epoch: the parameter objects first, then the state, then drops
     * parameter objects the new state no longer names.
     *
     * @param bestParameters parameters of the best epoch, or null when the best epoch is this one
     */
    void write(String runId, State state, byte[] parameters, byte[] bestParameters) throws IOException {
        URI folder = folder(runId);
        store.put(ObjectKeys.resolve(folder, state.parametersFile()), parameters);
        URI best = ObjectKeys.resolve(folder, state.bestParametersFile());
        if (state.bestEpoch() == state.epoch() || store.stat(best).isEmpty()) {
            store.put(best, bestParameters == null ? parameters : bestParameters);
        }
        store.put(ObjectKeys.resolve(folder, STATE_FILE), JSON.writeValueAsBytes(state));
        for (URI object : objects(folder)) {
            String name = ObjectKeys.relativize(folder, object);
            if (name.endsWith(".params") && !name.equals(state.parametersFile()) && !name.equals(state.bestParametersFile())) {
                store.delete(object);
            }
        }
    }

    /** Removes the run's checkpoint (the run finished, or its checkpoint is of no use). */
    void discard(String runId) {
        try {
            for (URI object : objects(folder(runId))) {
                store.delete(object);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the checkpoint of run " + runId, e);
        }
    }

    private List<URI> objects(URI folder) throws IOException {
        try (Stream<StoredObject> listed = store.list(folder)) {
            return listed.map(StoredObject::uri).toList();
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

    private URI folder(String runId) {
        if (!runId.matches("[A-Za-z0-9._-]+") || runId.startsWith(".")) {
            throw new IllegalArgumentException("run id '" + runId + "' is not a safe folder name");
        }
        return ObjectKeys.resolve(root, runId + "/");
    }
}
