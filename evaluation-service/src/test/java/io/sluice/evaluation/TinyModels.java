package io.sluice.evaluation;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Networks;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;

/**
 * Test fixtures: a linearly separable two-feature CSV dataset with its manifest, and tiny MLPs
 * really trained with DJL and written through the shared {@link ModelPackage}.
 */
public final class TinyModels {

    static final List<String> FEATURES = List.of("x", "y");
    static final List<String> CLASSES = List.of("left", "right");

    private TinyModels() {}

    /** A dataset written to the raw and training buckets; the label is the sign of x (with a margin), y is noise. */
    public record Dataset(DatasetManifest manifest, URI manifestUri, float[][] features, int[] labels) {}

    public static Dataset separable(ObjectStore store, URI rawBucket, URI trainingBucket, String name, int rows) throws IOException {
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder("x,y,label\n");
        float[][] features = new float[rows][];
        int[] labels = new int[rows];
        List<DatasetManifest.Sample> samples = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            float magnitude = 0.2f + 0.8f * random.nextFloat();
            float x = random.nextBoolean() ? magnitude : -magnitude;
            float y = 2 * random.nextFloat() - 1;
            features[i] = new float[] {x, y};
            labels[i] = x < 0 ? 0 : 1;
            String line = x + "," + y + "," + CLASSES.get(labels[i]);
            csv.append(line).append('\n');
            String id = "points.csv#" + i;
            samples.add(new DatasetManifest.Sample("points.csv", i, CLASSES.get(labels[i]), Splits.DEFAULT.assign(id),
                    line.length(), "0".repeat(64)));
        }
        URI rawUri = ObjectKeys.resolve(rawBucket, "datasets/" + name + "/");
        store.put(ObjectKeys.resolve(rawUri, "points.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
        String version = "v" + Integer.toHexString(name.hashCode());
        DatasetManifest manifest = new DatasetManifest(name, version, DatasetManifest.CSV, rawUri.toString(), CLASSES, List.of(2), FEATURES,
                "label", samples);
        URI manifestUri = ObjectKeys.resolve(trainingBucket, "datasets/" + name + "/" + version + "/manifest.json");
        store.put(manifestUri, manifest.toJson());
        return new Dataset(manifest, manifestUri, features, labels);
    }

    /**
     * Trains an MLP on the train split and writes it as a model version.
     *
     * @param labelFromY train on the sign of y instead of x: a model that is no better than chance on the real labels
     */
    public static ModelPackage.Written train(ObjectStore store, ModelPackage models, URI modelsBucket, Dataset data, String modelName,
                                      String version, boolean labelFromY, int epochs) throws IOException {
        Engine.getInstance().setRandomSeed(42);
        ModelCard card = card(data, modelName, version);
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        List<DatasetManifest.Sample> samples = data.manifest().samples();
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).split() == Split.TRAIN) {
                xs.add(data.features()[i]);
                ys.add(labelFromY ? (data.features()[i][1] < 0 ? 0 : 1) : data.labels()[i]);
            }
        }
        try (Model model = Model.newInstance(modelName + "-" + version, Device.cpu(), "PyTorch")) {
            model.setBlock(Networks.build(card));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Networks.inputShape(card.input(), 1));
                NDManager manager = trainer.getManager();
                float[] flat = new float[xs.size() * 2];
                float[] target = new float[xs.size()];
                for (int i = 0; i < xs.size(); i++) {
                    flat[2 * i] = xs.get(i)[0];
                    flat[2 * i + 1] = xs.get(i)[1];
                    target[i] = ys.get(i);
                }
                for (int epoch = 0; epoch < epochs; epoch++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = step.create(flat, new Shape(xs.size(), 2));
                        NDArray y = step.create(target, new Shape(xs.size()));
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList out = trainer.forward(new NDList(x));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), out);
                            collector.backward(loss);
                        }
                        trainer.step();
                    }
                }
            }
            return models.write(modelsBucket, card, model.getBlock(), Map.of());
        }
    }

    static ModelCard card(Dataset data, String modelName, String version) {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.CSV, List.of(2), null, FEATURES);
        return new ModelCard(ModelCard.FORMAT_VERSION, modelName, version,
                new ModelCard.Architecture(ModelCard.Architecture.MLP, List.of(), List.of(16), 0.0), CLASSES, input,
                new ModelCard.Normalisation(List.of(0.0, 0.0), List.of(1.0, 1.0)), Map.of("optimizer", "adam"),
                List.of(new ModelCard.EpochMetrics(1, 0.1, 0.99, 0.1, 0.99)), 1,
                new ModelCard.DatasetRef(data.manifest().name(), data.manifest().version(), data.manifestUri().toString()), null,
                "run-" + version, Instant.parse("2026-11-22T20:00:00Z"),
                Map.of(ModelPackage.PARAMETERS_FILE, new ModelCard.FileDigest("0".repeat(64), 0)),
                new ModelCard.DataSummary(0, Map.of(), List.of()));
    }
}
