package io.sluice.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.TrainingMonitor;

/**
 * Per-epoch progress of a cloud job: the trainer in the job's container ({@code train}) leaves one small object per epoch
 * under {@code <version>/progress/}, beside the version it writes, and the backend polling the job reads the new ones and
 * reports them as local runs do ({@code TrainingProgressed}). The same for every cloud backend and every store.
 */
public final class CloudProgress {

    private static final Logger LOG = Logger.getLogger(CloudProgress.class.getName());
    private static final Pattern EPOCH_FILE = Pattern.compile(".*/progress/epoch-(\\d{1,6})\\.properties");

    /** One epoch as the trainer reported it. */
    public record Epoch(EpochResult result, int maxEpochs, double samplesPerSecond) {}

    private CloudProgress() {}

    /** The folder of a version's progress objects. */
    public static URI folder(URI modelUri) {
        String base = modelUri.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "progress/");
    }

    /** Writes one epoch (trainer side). */
    public static void write(ObjectStore store, URI modelUri, Epoch epoch) throws IOException {
        EpochResult r = epoch.result();
        Properties p = new Properties();
        p.setProperty("epoch", Integer.toString(r.epoch()));
        p.setProperty("maxEpochs", Integer.toString(epoch.maxEpochs()));
        p.setProperty("trainLoss", Double.toString(r.trainLoss()));
        p.setProperty("trainAccuracy", Double.toString(r.trainAccuracy()));
        p.setProperty("validationLoss", Double.toString(r.validationLoss()));
        p.setProperty("validationAccuracy", Double.toString(r.validationAccuracy()));
        p.setProperty("samplesPerSecond", Double.toString(epoch.samplesPerSecond()));
        StringWriter text = new StringWriter();
        p.store(text, null);
        store.put(URI.create(folder(modelUri) + String.format(java.util.Locale.ROOT, "epoch-%06d.properties", r.epoch())),
                text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The epochs after {@code after}, in epoch order; an object that cannot be read is skipped (progress is best effort). */
    public static List<Epoch> readAfter(ObjectStore store, URI modelUri, int after) throws IOException {
        List<Epoch> epochs = new ArrayList<>();
        try (Stream<StoredObject> objects = store.list(folder(modelUri))) {
            for (StoredObject object : objects.toList()) {
                Matcher m = EPOCH_FILE.matcher(object.uri().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) > after) {
                    read(store, object.uri()).ifPresent(epochs::add);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        epochs.sort(java.util.Comparator.comparingInt(e -> e.result().epoch()));
        return epochs;
    }

    /**
     * Reports the epochs after {@code after} to the monitor and answers the last epoch reported; a store that cannot be read
     * now is tried again at the next poll (never fails the run).
     */
    public static int report(ObjectStore store, URI modelUri, int after, TrainingMonitor monitor) {
        int last = after;
        try {
            for (Epoch epoch : readAfter(store, modelUri, after)) {
                monitor.epoch(epoch.result(), epoch.maxEpochs(), epoch.samplesPerSecond(), null);
                last = epoch.result().epoch();
            }
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "cannot read the progress of " + modelUri + " yet: " + e);
        }
        return last;
    }

    private static java.util.Optional<Epoch> read(ObjectStore store, URI object) {
        try (InputStream in = store.open(object)) {
            Properties p = new Properties();
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            EpochResult result = new EpochResult(Integer.parseInt(p.getProperty("epoch")), Double.parseDouble(p.getProperty("trainLoss")),
                    Double.parseDouble(p.getProperty("trainAccuracy")), Double.parseDouble(p.getProperty("validationLoss")),
                    Double.parseDouble(p.getProperty("validationAccuracy")));
            return java.util.Optional.of(new Epoch(result, Integer.parseInt(p.getProperty("maxEpochs")),
                    Double.parseDouble(p.getProperty("samplesPerSecond"))));
        } catch (IOException | RuntimeException e) {
            LOG.fine(() -> "skips the unreadable progress object " + object + ": " + e);
            return java.util.Optional.empty();
        }
    }
}
