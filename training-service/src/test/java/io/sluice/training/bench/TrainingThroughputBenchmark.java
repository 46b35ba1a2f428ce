package io.sluice.training.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import io.sluice.models.Networks;

/**
 * Training throughput of the default image network (cnn 16,32 → 64, as {@link ModelCard.Architecture#defaultFor}
 * picks for image folders) in DJL, the way the local trainer runs a batch (forward, softmax
 * cross-entropy, backward, Adam step), against the same network, batch size, optimiser and thread
 * count in PyTorch itself ({@code /usr/bin/python3} with Debian's python3-torch), in the same run.
 * Prints samples per second of each and the ratio DJL / PyTorch.
 *
 * <p>Arguments (all optional): samples (2048), batch size (32), image side (28), classes (10), epochs timed (3), threads (all cores).
 */
public final class TrainingThroughputBenchmark {

    private TrainingThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int samples = arg(args, 0, 2048);
        int batch = arg(args, 1, 32);
        int side = arg(args, 2, 28);
        int classes = arg(args, 3, 10);
        int epochs = arg(args, 4, 3);
        int threads = arg(args, 5, Runtime.getRuntime().availableProcessors());
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        System.out.printf("default image network, %d samples of 1x%dx%d, %d classes, batch %d, %d timed epochs, %d threads%n",
                samples, side, side, classes, batch, epochs, threads);

        double djl = djl(samples, batch, side, classes, epochs);
        System.out.printf("DJL %s (%s): %.1f samples/s%n", Engine.getInstance().getVersion(), Engine.getInstance().getEngineName(), djl);
        Double torch = pytorch(samples, batch, side, classes, epochs, threads);
        if (torch == null) {
            System.out.println("PyTorch baseline unavailable (install python3-torch: apt-get install -y python3-torch)");
            return;
        }
        System.out.printf("PyTorch (python3): %.1f samples/s%n", torch);
        System.out.printf("ratio DJL / PyTorch = %.2f%n", djl / torch);
    }

    private static double djl(int samples, int batch, int side, int classes, int epochs) throws Exception {
        ModelCard.InputSpec input = new ModelCard.InputSpec(ModelCard.InputSpec.IMAGE_FOLDER, List.of(1, side, side),
                ModelCard.InputSpec.GRAYSCALE, List.of());
        Engine.getInstance().setRandomSeed(1);
        Random random = new Random(1);
        float[] x = new float[samples * side * side];
        long[] y = new long[samples];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < samples; i++) {
            y[i] = random.nextInt(classes);
        }
        try (Model model = Model.newInstance("bench", Device.cpu(), "PyTorch")) {
            model.setBlock(Networks.build(ModelCard.Architecture.defaultFor(ModelCard.InputSpec.IMAGE_FOLDER), input, classes));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Networks.inputShape(input, 1));
                Loss loss = Loss.softmaxCrossEntropyLoss();
                int size = side * side;
                runEpoch(trainer, loss, x, y, samples, batch, size, input); // warm-up
                long start = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    runEpoch(trainer, loss, x, y, samples, batch, size, input);
                }
                return (double) samples * epochs / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static void runEpoch(Trainer trainer, Loss loss, float[] x, long[] y, int samples, int batch, int size,
                                 ModelCard.InputSpec input) {
        for (int from = 0; from + batch <= samples; from += batch) {
            try (NDManager manager = trainer.getManager().newSubManager()) {
                float[] flat = new float[batch * size];
                System.arraycopy(x, from * size, flat, 0, flat.length);
                long[] labels = new long[batch];
                System.arraycopy(y, from, labels, 0, batch);
                NDList features = new NDList(manager.create(flat, Networks.inputShape(input, batch)));
                NDList target = new NDList(manager.create(labels, new Shape(batch)));
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(features);
                    NDArray value = loss.evaluate(target, logits);
                    collector.backward(value);
                    value.getFloat(); // the trainer reads the loss every batch too
                }
                trainer.step();
            }
        }
    }

    private static Double pytorch(int samples, int batch, int side, int classes, int epochs, int threads) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (!Files.isExecutable(python)) {
            return null;
        }
        Path script = Files.createTempFile("sluice-torch-bench", ".py");
        Files.writeString(script, """
                import sys, time, torch
                from torch import nn
                samples, batch, side, classes, epochs, threads = map(int, sys.argv[1:7])
                torch.set_num_threads(threads)
                torch.manual_seed(1)
                flat = 32 * (side // 4) * (side // 4)
                net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                                    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                                    nn.Linear(flat, 64), nn.ReLU(), nn.Linear(64, classes))
                opt = torch.optim.Adam(net.parameters(), lr=0.001)
                loss_fn = nn.CrossEntropyLoss()
                x = torch.randn(samples, 1, side, side)
                y = torch.randint(0, classes, (samples,))
                def epoch():
                    for start in range(0, samples - batch + 1, batch):
                        opt.zero_grad()
                        loss = loss_fn(net(x[start:start + batch]), y[start:start + batch])
                        loss.backward()
                        opt.step()
                        loss.item()
                epoch()
                t = time.perf_counter()
                for _ in range(epochs):
                    epoch()
                print(samples * epochs / (time.perf_counter() - t))
                """, StandardCharsets.UTF_8);
        try {
            Process process = new ProcessBuilder(python.toString(), script.toString(), Integer.toString(samples), Integer.toString(batch),
                    Integer.toString(side), Integer.toString(classes), Integer.toString(epochs), Integer.toString(threads))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                System.out.println("python3 failed: " + output);
                return null;
            }
            String[] lines = output.split("\n");
            return Double.parseDouble(lines[lines.length - 1].trim());
        } catch (IOException e) {
            return null;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
