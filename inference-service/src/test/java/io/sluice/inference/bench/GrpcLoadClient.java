package io.sluice.inference.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.sluice.inference.grpc.v2.GRPCInferenceServiceGrpc;
import io.sluice.inference.grpc.v2.ModelInferRequest;

/**
 * A closed-loop gRPC load generator for {@code ModelInfer} with binary tensors ({@code raw_input_contents}, FP32
 * little-endian): one thread per unit of concurrency over one HTTP/2 channel, each sending its next call as soon as the
 * last one is answered. The benchmark runs it in its own JVM, as {@link LoadClient} for REST.
 *
 * <p>As a main: {@code --target=host:port --model=NAME --shape=1,C,H,W --bodies=DIR --concurrency=N --seconds=S
 * --warmup-seconds=W}; the tensors are the files {@code DIR/tensor-*.bin}, sent in turn. Prints one line
 * {@code RESULT <ok> <errors> <seconds> <p50 µs> <p99 µs>}.
 */
public final class GrpcLoadClient {

    private GrpcLoadClient() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        List<ModelInferRequest> requests = new ArrayList<>();
        try (var files = Files.list(Path.of(options.get("bodies")))) {
            for (Path tensor : files.filter(f -> f.getFileName().toString().matches("tensor-\\d+\\.bin")).sorted().toList()) {
                ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("input").setDatatype("FP32");
                for (String size : options.get("shape").split(",")) {
                    input.addShape(Long.parseLong(size));
                }
                requests.add(ModelInferRequest.newBuilder().setModelName(options.get("model")).addInputs(input)
                        .addRawInputContents(ByteString.copyFrom(Files.readAllBytes(tensor))).build());
            }
        }
        ManagedChannel channel = Grpc.newChannelBuilder(options.get("target"), InsecureChannelCredentials.create()).build();
        try {
            LoadClient.Result result = run(channel, requests, Integer.parseInt(options.get("concurrency")),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "2"))),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "8"))));
            System.out.println(result.line());
        } finally {
            channel.shutdownNow();
        }
        System.exit(0);
    }

    /** Drives the calls in turn at a fixed concurrency: warm-up first (not counted), then the measured window. */
    static LoadClient.Result run(ManagedChannel channel, List<ModelInferRequest> requests, int concurrency, Duration warmup,
                                 Duration measure) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long warmEnd = System.nanoTime() + warmup.toNanos();
        long end = warmEnd + measure.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int offset = c;
                running.add(clients.submit(() -> {
                    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                    int i = offset;
                    while (true) {
                        long t = System.nanoTime();
                        if (t >= end) {
                            return null;
                        }
                        boolean ok;
                        try {
                            stub.withDeadlineAfter(30, TimeUnit.SECONDS).modelInfer(requests.get(i++ % requests.size()));
                            ok = true;
                        } catch (StatusRuntimeException e) {
                            ok = false;
                        }
                        long now = System.nanoTime();
                        if (t >= warmEnd && now <= end) {
                            if (ok) {
                                recorder.recordValue((now - t) / 1_000);
                                done.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Histogram latencies = recorder.getIntervalHistogram();
        return new LoadClient.Result(done.get(), errors.get(), measure.toNanos() / 1e9, latencies.getValueAtPercentile(50),
                latencies.getValueAtPercentile(99));
    }
}
