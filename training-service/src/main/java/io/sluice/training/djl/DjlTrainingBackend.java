package io.sluice.training.djl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.sluice.models.DataProfile;
import io.sluice.models.DatasetSamples;
import io.sluice.models.Devices;
import io.sluice.models.Inputs;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelPackage;
import io.sluice.models.Networks;
import io.sluice.platform.datasets.DatasetManifest;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.training.domain.EpochResult;
import io.sluice.training.domain.ModelSettings;
import io.sluice.training.domain.ProductionModels;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingBackend;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;

/**
 * Trains on this machine with DJL: reads the dataset's train and validation splits, standardises
 * with train-split statistics, trains the network {@link Networks} builds from the card, validates
 * every epoch, keeps the best epoch, stops early, and writes the version through {@link ModelPackage}.
 * Warm-starts from the production model when its architecture, input and classes match. With a
 * checkpoint prefix in the object store, every epoch is checkpointed ({@link RunCheckpoints}) and a redone run resumes
 * after its last checkpointed epoch: parameters, best epoch, early-stopping counter, history and
 * normalisation are restored; the optimizer's moments are not (DJL does not expose them), so a
 * resumed run is not bit-identical to an uninterrupted one.
 */
public final class DjlTrainingBackend implements TrainingBackend {

    private static final Logger LOG = Logger.getLogger(DjlTrainingBackend.class.getName());

    private final ObjectStore store;
    private final ModelPackage models;
    private final URI modelsBucket;
    private final Clock clock;
    private final RunCheckpoints checkpoints;
    /**
     * DJL's PyTorch engine allows one gradient collector per process at a time ("A PtGradientCollector is already
     * collecting"): runs and trials training at once take turns batch by batch; loading, batching and validation overlap.
     */
    private static final java.util.concurrent.locks.ReentrantLock GRADIENTS = new java.util.concurrent.locks.ReentrantLock(true);
    private final Device device;

    /** A trainer without checkpoints: an interrupted run starts again from its first epoch. */
    public DjlTrainingBackend(ObjectStore store, ModelPackage models, URI modelsBucket, Clock clock) {
        this(store, models, modelsBucket, clock, (URI) null);
    }

    /** On the device {@code auto} names: the first GPU when DJL sees one, else the CPU. */
    public DjlTrainingBackend(ObjectStore store, ModelPackage models, URI modelsBucket, Clock clock, URI checkpoints) {
        this(store, models, modelsBucket, clock, checkpoints, Devices.best());
    }

    /**
     * @param checkpoints prefix in the object store of the runs' checkpoints ({@code <runId>/}), ending with '/': every epoch
     *                    is checkpointed there and an interrupted run resumes after its last checkpoint, on any replica;
     *                    null for no checkpoints
     * @param device      where the networks train ({@code sluice.training.device}, resolved at start-up)
     */
    public DjlTrainingBackend(ObjectStore store, ModelPackage models, URI modelsBucket, Clock clock, URI checkpoints, Device device) {
        this.device = device;
        this.store = store;
        this.models = models;
        this.modelsBucket = modelsBucket;
        this.clock = clock;
        this.checkpoints = checkpoints == null ? null : new RunCheckpoints(store, checkpoints);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void discard(String runId) {
        if (checkpoints != null) {
            checkpoints.discard(runId);
        }
    }

    @Override
    public TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) throws TrainingFailure {
        ModelSettings settings = job.settings();
        DatasetManifest manifest = readManifest(job.request().manifestUri());
        ModelCard.InputSpec input = DatasetInputs.inputSpec(manifest, settings);
        ModelCard.Architecture architecture = DatasetInputs.architecture(manifest, settings, job.request().modelName());
        DatasetSamples train = load(manifest, Split.TRAIN, input);
        DatasetSamples validation = load(manifest, Split.VALIDATION, input);
        if (train.size() == 0 || validation.size() == 0) {
            throw new TrainingFailure("dataset " + manifest.name() + "@" + manifest.version() + " has " + train.size() + " train and "
                    + validation.size() + " validation samples; both splits need samples (upload more, about 10% go to validation)", false, null);
        }
        DataProfile profile = new DataProfile(input, manifest.classNames());
        for (int i = 0; i < train.size(); i++) {
            profile.add(train.inputs().get(i), manifest.classNames().get(train.labels()[i]));
        }
        Engine.getInstance().setRandomSeed((int) settings.seed());
        String fingerprint = fingerprint(job, manifest, input, architecture);
        Optional<RunCheckpoints.Resumed> resumed = checkpoints == null ? Optional.empty() : checkpoints.read(job.runId(), fingerprint);
        try (Model model = Model.newInstance(job.request().modelName(), device, "PyTorch")) {
            Block block = build(architecture, input, manifest.classNames().size());
            model.setBlock(block);
            WarmStart warm;
            if (resumed.isPresent()) {
                // the run's own last epoch, with the normalisation and parent it started with
                RunCheckpoints.State state = resumed.get().state();
                restore(block, model.getNDManager(), resumed.get().parameters());
                warm = new WarmStart(state.parentVersion(), state.normalisation());
                LOG.info(() -> "resuming run " + job.runId() + " after epoch " + state.epoch() + " from its checkpoint");
            } else {
                warm = warmStart(job, architecture, input, manifest.classNames(), block, model.getNDManager());
            }
            ModelCard.Normalisation normalisation = warm.normalisation() != null ? warm.normalisation() : profile.normalisation();
            float[][] x = normalise(train, input, normalisation);
            float[][] vx = normalise(validation, input, normalisation);

            Map<String, String> hyper = new LinkedHashMap<>(architecture.asMap());
            hyper.putAll(settings.asMap());
            monitor.started(name(), device.toString(), architecture.name(), hyper, warm.parentVersion());

            Optimizer optimizer = "sgd".equalsIgnoreCase(settings.optimizer())
                    ? Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) settings.learningRate())).optMomentum(0.9f).build()
                    : Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate())).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(optimizer).optDevices(new Device[] {device});
            RunCheckpoints.State resumedState = resumed.map(RunCheckpoints.Resumed::state).orElse(null);
            List<EpochResult> history = new ArrayList<>(resumedState == null ? List.of() : resumedState.history());
            byte[] bestParameters = resumed.map(RunCheckpoints.Resumed::bestParameters).orElse(null);
            int bestEpoch = resumedState == null ? 0 : resumedState.bestEpoch();
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Networks.inputShape(input, 1));
                Loss loss = Loss.softmaxCrossEntropyLoss();
                int sinceBest = resumedState == null ? 0 : resumedState.sinceBest();
                int first = resumedState == null ? 1 : resumedState.epoch() + 1;
                // a checkpoint written after the last epoch (or after early stopping) trains nothing more
                for (int epoch = first; epoch <= settings.maxEpochs() && sinceBest < settings.patience(); epoch++) {
                    long started = System.nanoTime();
                    // one random source per epoch, derived from the seed, so a resumed run shuffles as an uninterrupted one
                    Random random = new Random(settings.seed() * 0x9E3779B97F4A7C15L + epoch);
                    double[] trainStats = trainEpoch(trainer, loss, x, train.labels(), input, settings, random, monitor);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    double[] validationStats = evaluate(trainer, loss, vx, validation.labels(), input, settings.batchSize());
                    EpochResult result = new EpochResult(epoch, trainStats[0], trainStats[1], validationStats[0], validationStats[1]);
                    history.add(result);
                    if (bestEpoch == 0 || better(result, history.get(bestEpoch - 1))) {
                        bestEpoch = epoch;
                        bestParameters = save(block);
                        sinceBest = 0;
                    } else {
                        sinceBest++;
                    }
                    checkpoint(job.runId(), new RunCheckpoints.State(fingerprint, epoch, bestEpoch, sinceBest, List.copyOf(history),
                            normalisation, warm.parentVersion()), block, bestParameters, epoch == bestEpoch);
                    double samplesPerSecond = train.size() / Math.max(seconds, 1e-9);
                    monitor.epoch(result, settings.maxEpochs(), samplesPerSecond, (settings.maxEpochs() - epoch) * seconds);
                    if (sinceBest >= settings.patience()) {
                        LOG.info("stopping early after epoch " + epoch + ": no validation improvement for " + sinceBest + " epochs");
                        break;
                    }
                }
            }
            restore(block, model.getNDManager(), bestParameters);
            ModelCard card = new ModelCard(ModelCard.FORMAT_VERSION, job.request().modelName(), job.modelVersion(), architecture,
                    manifest.classNames(), input, normalisation, cardTraining(settings, device), history.stream().map(DjlTrainingBackend::metrics).toList(),
                    bestEpoch, new ModelCard.DatasetRef(manifest.name(), manifest.version(), job.request().manifestUri()),
                    warm.parentVersion(), job.runId(), clock.instant(), Map.of(), profile.summary());
            ModelPackage.Written written = models.write(modelsBucket, card, block, Map.of());
            return new TrainingOutcome(job.modelVersion(), written.modelUri().toString(), written.cardUri().toString(),
                    written.artifactUris().stream().map(URI::toString).toList(), architecture.name(), bestEpoch, history,
                    warm.parentVersion(), name(), device.toString());
        } catch (IOException e) {
            throw new TrainingFailure("cannot write the model version to " + modelsBucket + ": " + e.getMessage(), true, e);
        }
    }

    /** Checkpoints an epoch before it is reported; a checkpoint that cannot be written only costs the resume. */
    private void checkpoint(String runId, RunCheckpoints.State state, Block block, byte[] bestParameters, boolean isBest) {
        if (checkpoints == null) {
            return;
        }
        try {
            checkpoints.write(runId, state, isBest ? bestParameters : save(block), bestParameters);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot checkpoint epoch " + state.epoch() + " of run " + runId + "; a restart redoes it from an earlier one", e);
        }
    }

    /** What a checkpoint is valid for: the same data, input, classes, architecture, settings and model version. */
    private static String fingerprint(TrainingJob job, DatasetManifest manifest, ModelCard.InputSpec input, ModelCard.Architecture architecture) {
        return RunCheckpoints.fingerprint(job.modelVersion(), manifest.name(), manifest.version(), input.toString(),
                manifest.classNames().toString(), architecture.asMap().toString(), job.settings().asMap().toString());
    }

    private double[] trainEpoch(Trainer trainer, Loss loss, float[][] x, int[] labels, ModelCard.InputSpec input, ModelSettings settings,
                                Random random, TrainingMonitor monitor) {
        int[] order = shuffled(x.length, random);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < order.length; from += settings.batchSize()) {
            if (monitor.stopRequested()) {
                throw new RunStoppedException("stop requested");
            }
            int to = Math.min(order.length, from + settings.batchSize());
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDList[] xy = batch(batch, x, labels, order, from, to, input, settings.horizontalFlip() ? random : null);
                GRADIENTS.lock();
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(xy[0]);
                    NDArray batchLoss = loss.evaluate(xy[1], logits);
                    collector.backward(batchLoss);
                    lossSum += batchLoss.getFloat() * (to - from);
                    correct += logits.singletonOrThrow().argMax(1).eq(xy[1].singletonOrThrow()).sum().getLong();
                } finally {
                    GRADIENTS.unlock();
                }
                trainer.step();
            }
        }
        return new double[] {lossSum / x.length, (double) correct / x.length};
    }

    private static Block build(ModelCard.Architecture architecture, ModelCard.InputSpec input, int classes) throws TrainingFailure {
        try {
            return Networks.build(architecture, input, classes);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailure(e.getMessage() + "; change image-size, filters or architecture of the model", false, e);
        }
    }

    private static double[] evaluate(Trainer trainer, Loss loss, float[][] x, int[] labels, ModelCard.InputSpec input, int batchSize) {
        int[] order = java.util.stream.IntStream.range(0, x.length).toArray();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < x.length; from += batchSize) {
            int to = Math.min(x.length, from + batchSize);
            try (NDManager batch = trainer.getManager().newSubManager()) {
                NDList[] xy = batch(batch, x, labels, order, from, to, input, null);
                NDList logits = trainer.evaluate(xy[0]);
                lossSum += loss.evaluate(xy[1], logits).getFloat() * (to - from);
                correct += logits.singletonOrThrow().argMax(1).eq(xy[1].singletonOrThrow()).sum().getLong();
            }
        }
        return new double[] {lossSum / x.length, (double) correct / x.length};
    }

    /** One batch as (inputs, int64 labels); with a random source, half the images are flipped left-right. */
    private static NDList[] batch(NDManager manager, float[][] x, int[] labels, int[] order, int from, int to, ModelCard.InputSpec input,
                                  Random flip) {
        int size = input.size();
        float[] flat = new float[(to - from) * size];
        long[] y = new long[to - from];
        for (int i = from; i < to; i++) {
            float[] sample = x[order[i]];
            if (flip != null && input.isImage() && flip.nextBoolean()) {
                sample = DatasetInputs.flipHorizontally(sample, input);
            }
            System.arraycopy(sample, 0, flat, (i - from) * size, size);
            y[i - from] = labels[order[i]];
        }
        NDArray features = manager.create(flat, Networks.inputShape(input, to - from));
        return new NDList[] {new NDList(features), new NDList(manager.create(y, new Shape(to - from)))};
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static boolean better(EpochResult candidate, EpochResult best) {
        return candidate.validationAccuracy() > best.validationAccuracy() + 1e-9
                || Math.abs(candidate.validationAccuracy() - best.validationAccuracy()) <= 1e-9 && candidate.validationLoss() < best.validationLoss();
    }

    private static byte[] save(Block block) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    private static void restore(Block block, NDManager manager, byte[] parameters) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException e) {
            throw new IOException("cannot restore the best epoch's parameters", e);
        }
    }

    private static float[][] normalise(DatasetSamples samples, ModelCard.InputSpec input, ModelCard.Normalisation normalisation) {
        float[][] x = new float[samples.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = Inputs.normalise(samples.inputs().get(i).clone(), input, normalisation);
        }
        return x;
    }

    private static ModelCard.EpochMetrics metrics(EpochResult r) {
        return new ModelCard.EpochMetrics(r.epoch(), r.trainLoss(), r.trainAccuracy(), r.validationLoss(), r.validationAccuracy());
    }

    private static Map<String, String> cardTraining(ModelSettings settings, Device device) {
        Map<String, String> training = new LinkedHashMap<>(settings.asMap());
        training.put("backend", "local");
        training.put("device", device.toString());
        training.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        return training;
    }

    /** Parent version and normalisation of a warm start, both null when training from scratch. */
    private record WarmStart(String parentVersion, ModelCard.Normalisation normalisation) {
        static final WarmStart NONE = new WarmStart(null, null);
    }

    private WarmStart warmStart(TrainingJob job, ModelCard.Architecture architecture, ModelCard.InputSpec input, List<String> classes,
                                Block block, NDManager manager) {
        if (!job.settings().warmStart() || job.production().isEmpty()) {
            return WarmStart.NONE;
        }
        ProductionModels.ProductionModel production = job.production().get();
        try {
            ModelPackage.Fetched parent = models.fetch(URI.create(production.modelUri()));
            ModelCard card = parent.card();
            if (!card.architecture().equals(architecture) || !card.input().equals(input) || !card.classNames().equals(classes)) {
                LOG.info(() -> "production " + production.version() + " has another architecture, input or classes; training from scratch");
                return WarmStart.NONE;
            }
            LoadedModel.loadParameters(block, manager, parent.parameters());
            // the parent's weights expect the parent's standardisation: keep it
            return new WarmStart(production.version(), card.normalisation());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot warm-start from production " + production.version() + "; training from scratch", e);
            return WarmStart.NONE;
        }
    }

    private DatasetManifest readManifest(String manifestUri) throws TrainingFailure {
        try {
            return DatasetManifest.fromJson(store.read(URI.create(manifestUri)));
        } catch (FileNotFoundException e) {
            throw new TrainingFailure("the dataset manifest " + manifestUri + " does not exist (was the training bucket cleaned?)", false, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new TrainingFailure("cannot read the dataset manifest " + manifestUri + ": " + e.getMessage(), false, e);
        }
    }

    private DatasetSamples load(DatasetManifest manifest, Split split, ModelCard.InputSpec input) throws TrainingFailure {
        try {
            return DatasetSamples.load(store, manifest, split, input);
        } catch (IOException | IllegalArgumentException e) {
            throw new TrainingFailure(e.getMessage(), false, e);
        }
    }
}
