package io.sluice.evaluation.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ai.djl.Device;
import io.sluice.evaluation.TinyModels;
import io.sluice.evaluation.djl.DjlScorer;
import io.sluice.evaluation.domain.ClassificationMetrics;
import io.sluice.evaluation.domain.McNemar;
import io.sluice.evaluation.domain.ScoredSamples;
import io.sluice.models.ModelPackage;
import io.sluice.platform.storage.FileObjectStore;

/**
 * Scoring throughput of a test split: batched forward passes against one sample per pass (the
 * baseline, measured in the same run), and the cost of the metrics and McNemar against scoring.
 * Run: {@code mvn -B -q -pl evaluation-service test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sluice.evaluation.bench.ScoringBenchmark -Dai.djl.offline=true [-Dbench.rows=20000]}.
 */
public final class ScoringBenchmark {

    private ScoringBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int rows = Integer.getInteger("bench.rows", 20000);
        Path dir = Files.createTempDirectory("sluice-eval-bench");
        FileObjectStore store = new FileObjectStore(dir.resolve("buckets"));
        ModelPackage models = new ModelPackage(store, dir.resolve("cache"));
        TinyModels.Dataset data = TinyModels.separable(store, store.bucket("raw"), store.bucket("training"), "bench", rows);
        ModelPackage.Written model = TinyModels.train(store, models, store.bucket("models"), data, "bench", "v1", false, 20);
        long testSamples = data.manifest().split(io.sluice.platform.datasets.Split.TEST).count();
        System.out.printf(Locale.ROOT, "dataset: %d rows, %d test samples; device %s%n", rows, testSamples, Device.cpu());

        double baseline = 0;
        double batch64Seconds = 0;
        ScoredSamples scored = null;
        for (int batch : new int[] {1, 16, 64, 256}) {
            DjlScorer scorer = new DjlScorer(store, models, Device.cpu(), batch);
            scorer.score(model.modelUri(), "bench", "v1", data.manifest()); // warm-up
            int repeats = 5;
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                scored = scorer.score(model.modelUri(), "bench", "v1", data.manifest()).samples();
            }
            double seconds = (System.nanoTime() - start) / 1e9 / repeats;
            double perSecond = testSamples / seconds;
            if (batch == 1) {
                baseline = perSecond;
            }
            if (batch == 64) {
                batch64Seconds = seconds;
            }
            System.out.printf(Locale.ROOT, "batch %4d: %8.0f samples/s per evaluation (load + read + score), %.2fx batch 1%n", batch, perSecond,
                    perSecond / baseline);
        }
        ScoredSamples samples = scored;
        int repeats = 200;
        long start = System.nanoTime();
        double sink = 0;
        for (int r = 0; r < repeats; r++) {
            sink += ClassificationMetrics.of(samples).mcc() + McNemar.test(samples, samples).pValue();
        }
        double metricsMicros = (System.nanoTime() - start) / 1e3 / repeats;
        System.out.printf(Locale.ROOT, "metrics + McNemar on %d samples: %.1f µs (%.5f of one batch-64 evaluation) [%s]%n", samples.size(),
                metricsMicros, metricsMicros / 1e6 / batch64Seconds, sink > 0 ? "ok" : "?");
    }
}
