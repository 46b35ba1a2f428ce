package io.sluice.models;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;

/**
 * A verified model version rebuilt from its card with its parameters loaded, ready to predict.
 * Close it to free native memory. Predictors are not thread-safe: one per thread.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelCard card;
    private final Model model;
    private final Path directory;

    private LoadedModel(ModelCard card, Model model, Path directory) {
        this.card = card;
        this.model = model;
        this.directory = directory;
    }

    /** Rebuilds the network of a fetched (verified) version and loads its parameters on the device. */
    public static LoadedModel open(ModelPackage.Fetched fetched, Device device) throws IOException {
        ModelCard card = fetched.card();
        Block block = Networks.build(card);
        Model model = Model.newInstance(card.modelName() + "-" + card.version(), device, "PyTorch");
        try {
            model.setBlock(block);
            loadParameters(block, model.getNDManager(), fetched.parameters());
            return new LoadedModel(card, model, fetched.directory());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Loads saved parameters into a block built from the same card (also used to warm-start training).
     *
     * @throws InvalidModelCardException when the parameters do not fit the card's architecture
     */
    public static void loadParameters(Block block, NDManager manager, Path parameters) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(parameters)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new InvalidModelCardException("the parameters do not fit the architecture in the model card: " + e.getMessage(), e);
        }
    }

    public ModelCard card() {
        return card;
    }

    /** The DJL model (its block holds the loaded parameters). */
    public Model model() {
        return model;
    }

    /** The verified local copy of the version's files. */
    public Path directory() {
        return directory;
    }

    /** A new predictor taking {@link Inputs} output; close it after use. */
    public Predictor<float[], Prediction> newPredictor() {
        return model.newPredictor(new ProbabilitiesTranslator(card));
    }

    /** Convenience for one-off predictions; creates and closes a predictor per call. */
    public Prediction predict(float[] input) throws TranslateException {
        try (Predictor<float[], Prediction> predictor = newPredictor()) {
            return predictor.predict(input);
        }
    }

    /** Frees the parameters; on a GPU also hands the freed memory back to the device (see {@link Devices#release}). */
    @Override
    public void close() {
        Device device = model.getNDManager().getDevice();
        model.close();
        Devices.release(device);
    }
}
