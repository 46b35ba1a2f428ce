package io.sluice.inference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.sluice.inference.domain.InputGuard;
import io.sluice.models.Devices;

/**
 * Settings of the inference-service (prefix {@code sluice.inference}).
 *
 * @param modelCacheDir      local folder that verified model artifacts are cached in ({@code <dir>/<model>/<version>/})
 * @param maxBatchSize       most inputs grouped into one forward pass per version (1 turns dynamic batching off)
 * @param maxQueueDelay      longest the first input of a batch waits for others to join
 * @param queueCapacity      inputs that may wait per version; beyond it requests get 503 with {@code Retry-After}
 * @param requestTimeout     longest a request waits for its answer before it fails
 * @param loadAttempts       attempts to fetch a version's artifacts before it is marked failed (integrity failures are never retried)
 * @param loadBackoff        wait before the second attempt; doubles with each further attempt
 * @param telemetryBuffer    telemetry events held while the broker is slow; when full, new ones are dropped and counted
 * @param maxRequestSize     largest request body accepted, counted on the bytes read (413 beyond; platform's body limit
 *                           and the multipart limit are set from it)
 * @param maxImagePixels     largest decoded image (width × height) accepted (400 beyond), against decompression bombs
 * @param apiKeys            client keys given in plain (env {@code SLUICE_INFERENCE_API_KEYS}), hashed on start and added to
 *                           platform's keys with role client (prefer hashed entries in {@code SLUICE_API_KEYS}); any client
 *                           key turns authentication of predict and feedback on
 * @param rateLimitPerSecond requests per second allowed per authenticated caller (429 beyond); 0 means unlimited
 * @param maxQueueWait       longest a request may wait, from its arrival (body reading included), before its inputs run:
 *                           requests that would wait longer (time spent plus the queue ahead at the recent time per
 *                           input) get 503 with {@code Retry-After} at once, inputs that did wait longer are shed rather
 *                           than run; 0 turns shedding off
 * @param inputGuard         what happens to an input far outside the range the version was trained on: {@code refuse}
 *                           (400) or {@code flag} (served, telemetry flagged and without input statistics)
 * @param inputTolerance     how far outside the trained range an input may lie, in range-widths beyond either end
 * @param retainRemoved      how long a ready version that left the routing table stays loaded, so a rollback to it is
 *                           served at once (default: monitoring's production watch)
 * @param device             where versions run: {@code auto} (the first GPU when DJL sees one, else the CPU), {@code cpu},
 *                           {@code gpu} or {@code gpu:N}; a GPU that is not there stops the service at start-up
 * @param modelDevices       per model name, a device other than {@code device} (same values): spreads models over GPUs
 * @param grpc               the KServe v2 gRPC server beside the REST API
 * @param cache              the size cap of {@code modelCacheDir}
 */
@Validated
@ConfigurationProperties("sluice.inference")
public record InferenceProperties(@NotNull Path modelCacheDir,
                                  @DefaultValue("32") @Positive int maxBatchSize,
                                  @DefaultValue("5ms") @NotNull Duration maxQueueDelay,
                                  @DefaultValue("512") @Positive int queueCapacity,
                                  @DefaultValue("30s") @NotNull Duration requestTimeout,
                                  @DefaultValue("4") @Positive int loadAttempts,
                                  @DefaultValue("500ms") @NotNull Duration loadBackoff,
                                  @DefaultValue("10000") @Positive int telemetryBuffer,
                                  @DefaultValue("10MB") @NotNull DataSize maxRequestSize,
                                  @DefaultValue("16777216") @Positive long maxImagePixels,
                                  @DefaultValue("") List<String> apiKeys,
                                  @DefaultValue("100") @Min(0) int rateLimitPerSecond,
                                  @DefaultValue("1s") @NotNull Duration maxQueueWait,
                                  @DefaultValue("refuse") @NotNull InputGuard.Mode inputGuard,
                                  @DefaultValue("1.0") @DecimalMin("0") double inputTolerance,
                                  @DefaultValue("10m") @NotNull Duration retainRemoved,
                                  @DefaultValue("auto") @NotNull @Pattern(regexp = Devices.SETTING, message = Devices.SETTING_MESSAGE)
                                  String device,
                                  @DefaultValue Map<String, @NotNull @Pattern(regexp = Devices.SETTING, message = Devices.SETTING_MESSAGE)
                                          String> modelDevices,
                                  @DefaultValue @Valid @NotNull Grpc grpc,
                                  @DefaultValue @Valid @NotNull Cache cache) {

    /**
     * The model cache's cap ({@code sluice.inference.cache.*}).
     *
     * @param maxBytes most bytes {@code modelCacheDir} holds: after each load the least recently used versions that the
     *                 routing table does not name (and that are not retained for a rollback) are deleted until it fits;
     *                 0 for no cap
     */
    public record Cache(@DefaultValue("10GB") @NotNull DataSize maxBytes) {}

    /**
     * The KServe v2 gRPC server ({@code inference.GRPCInferenceService}) beside the REST API.
     *
     * @param port          where it listens (default 8001, Triton's gRPC port); 0 = a free port (tests)
     * @param shutdownGrace how long calls in flight may finish when the service stops, before they are cancelled
     */
    public record Grpc(@DefaultValue("8001") @Min(0) @Max(65535) int port,
                       @DefaultValue("10s") @NotNull Duration shutdownGrace) {}

    public InferenceProperties {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().filter(k -> k != null && !k.isBlank()).toList();
        modelDevices = modelDevices == null ? Map.of() : Map.copyOf(modelDevices);
    }

    /** The service never logs the keys. */
    @Override
    public String toString() {
        return "InferenceProperties[modelCacheDir=" + modelCacheDir + ", maxBatchSize=" + maxBatchSize + ", maxQueueDelay="
                + maxQueueDelay + ", queueCapacity=" + queueCapacity + ", maxQueueWait=" + maxQueueWait + ", inputGuard=" + inputGuard
                + ", inputTolerance=" + inputTolerance + ", retainRemoved=" + retainRemoved + ", device=" + device + ", modelDevices="
                + modelDevices + ", grpc=" + grpc + ", cache=" + cache + ", apiKeys=" + apiKeys.size() + " configured]";
    }
}
