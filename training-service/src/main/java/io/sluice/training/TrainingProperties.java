package io.sluice.training;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.models.Devices;

/**
 * Settings of the training-service (prefix {@code sluice.training}).
 *
 * @param modelsBucket      bucket that model versions are written to ({@code models/<model>/<version>/})
 * @param trainingBucket    bucket holding dataset manifests ({@code datasets/<name>/<version>/manifest.json}), used to
 *                          find the latest version when a retraining request names none
 * @param maxConcurrentRuns training runs that may execute at once; further runs queue
 * @param state             prefix in the object store, ending with '/', of what a run needs to survive its replica: the run
 *                          journal ({@code runs/<runId>.json}) and local runs' checkpoints ({@code checkpoints/<runId>/}, every
 *                          epoch, removed when the run finishes); default {@code ${sluice.buckets.staging}training/}
 * @param modelCacheDir     folder verified copies of production models are kept in for warm starts
 * @param defaults          settings every model starts from
 * @param models            per model name: only the settings that differ from {@code defaults}
 * @param backend           where runs execute: {@code local} (DJL on this machine) or {@code modelarts}
 * @param modelarts         ModelArts settings, used when {@code backend} is {@code modelarts}
 * @param vertex            Vertex AI settings, used when {@code backend} is {@code vertex-ai}
 * @param device            where local runs train: {@code auto} (the first GPU when DJL sees one, else the CPU), {@code cpu},
 *                          {@code gpu} or {@code gpu:N}; a GPU that is not there stops the service at start-up
 * @param tuning            hyperparameter searches: the search space (per model where it differs), trials at once, how often
 *                          searches start by themselves
 */
@Validated
@ConfigurationProperties("sluice.training")
public record TrainingProperties(@NotNull URI modelsBucket,
                                 @NotNull URI trainingBucket,
                                 @DefaultValue("1") @Positive int maxConcurrentRuns,
                                 @NotNull URI state,
                                 @NotNull Path modelCacheDir,
                                 @DefaultValue @Valid Defaults defaults,
                                 @DefaultValue Map<String, ModelOverrides> models,
                                 @DefaultValue("local") @jakarta.validation.constraints.Pattern(regexp = "local|modelarts|vertex-ai") String backend,
                                 @DefaultValue @Valid ModelArts modelarts,
                                 @DefaultValue @Valid Vertex vertex,
                                 @DefaultValue("auto") @NotNull @jakarta.validation.constraints.Pattern(regexp = Devices.SETTING,
                                         message = Devices.SETTING_MESSAGE) String device,
                                 @DefaultValue @Valid Tuning tuning) {

    /** Where the search journal lives. */
    public URI searchesUri() {
        return io.sluice.platform.storage.ObjectKeys.resolve(stateBase(), "searches/");
    }

    /** Where trials write their (scratch) model versions: {@code models/<model>/<trialId>/} under it. */
    public URI trialsUri() {
        return io.sluice.platform.storage.ObjectKeys.resolve(stateBase(), "trials/");
    }

    /** Where the run journal lives. */
    public URI runsUri() {
        return io.sluice.platform.storage.ObjectKeys.resolve(stateBase(), "runs/");
    }

    /** Where local runs' checkpoints live. */
    public URI checkpointsUri() {
        return io.sluice.platform.storage.ObjectKeys.resolve(stateBase(), "checkpoints/");
    }

    private URI stateBase() {
        return state.toString().endsWith("/") ? state : URI.create(state + "/");
    }

    /**
     * Vertex AI CustomJobs (credentials: Application Default Credentials of the service account).
     *
     * @param project          Google Cloud project
     * @param location         region
     * @param imageUri         container image of this trainer
     * @param machineType      machine type
     * @param acceleratorType  accelerator type (e.g. NVIDIA_TESLA_T4)
     * @param acceleratorCount accelerators per replica, 0 for none
     * @param spot             use spot capacity
     * @param restartOnFailure restart the job when a worker restarts
     * @param timeout          longest a job may run
     * @param pollInterval     time between state polls
     * @param maxAttempts      attempts per API call for transient errors
     * @param baseOutputDirectory {@code gs://} folder each job gets {@code <runId>/} under as its base output directory
     *                         (default {@code ${sluice.buckets.staging}vertex/}: temporary, swept by the staging retention)
     */
    public record Vertex(@DefaultValue("") String project,
                         @DefaultValue("europe-west4") String location,
                         @DefaultValue("") String imageUri,
                         @DefaultValue("n1-standard-8") String machineType,
                         @DefaultValue("ACCELERATOR_TYPE_UNSPECIFIED") String acceleratorType,
                         @DefaultValue("0") int acceleratorCount,
                         @DefaultValue("false") boolean spot,
                         @DefaultValue("true") boolean restartOnFailure,
                         @DefaultValue("6h") java.time.Duration timeout,
                         @DefaultValue("30s") java.time.Duration pollInterval,
                         @DefaultValue("4") @Positive int maxAttempts,
                         @DefaultValue("") String baseOutputDirectory) {}

    /**
     * Huawei ModelArts training jobs.
     *
     * @param endpoint     ModelArts endpoint URL
     * @param projectId    project id
     * @param token        IAM token (X-Auth-Token); set from the environment, never logged; used when {@code ak} is empty
     * @param ak           access key id for AK/SK request signing (SDK-HMAC-SHA256); when set, {@code sk} is required and
     *                     signing is used instead of {@code token}
     * @param sk           secret access key for AK/SK signing; set from the environment, never logged
     * @param imageUrl     SWR image of this trainer (the training-service image built from {@code deploy/Dockerfile})
     * @param command      container boot command; ModelArts appends the run's parameters as {@code --name=value}
     * @param flavorId     resource flavour
     * @param nodeCount    nodes per job
     * @param pollInterval time between status polls
     * @param timeout      longest a job may run
     * @param maxAttempts  attempts per API call for transient errors (retry with exponential backoff)
     */
    public record ModelArts(@DefaultValue("https://modelarts.ap-southeast-1.myhuaweicloud.com") URI endpoint,
                            @DefaultValue("") String projectId,
                            @DefaultValue("") String token,
                            @DefaultValue("") String ak,
                            @DefaultValue("") String sk,
                            @DefaultValue("") String imageUrl,
                            @DefaultValue("java -jar /app/service.jar train") String command,
                            @DefaultValue("modelarts.vm.cpu.8u") String flavorId,
                            @DefaultValue("1") @Positive int nodeCount,
                            @DefaultValue("30s") java.time.Duration pollInterval,
                            @DefaultValue("6h") java.time.Duration timeout,
                            @DefaultValue("4") @Positive int maxAttempts) {

        @Override
        public String toString() {
            return "ModelArts[endpoint=" + endpoint + ", projectId=" + projectId + ", token=***, ak=" + ak + ", sk=***]";
        }

        /** AK/SK signing when an access key is set, else the IAM token; fails when neither (or an AK without SK) is configured. */
        public io.sluice.training.modelarts.ModelArtsAuthentication authentication(java.time.Clock clock) {
            if (!ak.isBlank()) {
                if (sk.isBlank()) {
                    throw new IllegalStateException("sluice.training.modelarts.ak is set but sluice.training.modelarts.sk is empty; set both "
                            + "for AK/SK signing, or neither and use sluice.training.modelarts.token");
                }
                return io.sluice.training.modelarts.ModelArtsAuthentication.akSk(ak, sk, projectId, clock);
            }
            if (token.isBlank()) {
                throw new IllegalStateException("backend modelarts needs credentials: sluice.training.modelarts.ak + .sk (AK/SK signing) "
                        + "or sluice.training.modelarts.token (IAM token)");
            }
            return io.sluice.training.modelarts.ModelArtsAuthentication.iamToken(this::token);
        }
    }

    /**
     * Training settings every model starts from (a {@code params.yaml} in properties).
     *
     * @param architecture   {@code cnn} or {@code mlp}; empty picks by the dataset's layout (cnn for images, mlp for CSV)
     * @param filters        cnn: output channels of each 3x3 convolution + 2x2 max-pool block
     * @param hidden         hidden dense layer sizes; empty: [64] for cnn, [64, 32] for mlp
     * @param dropout        dropout after each hidden layer while training, 0..1
     * @param optimizer      {@code adam} or {@code sgd} (momentum 0.9)
     * @param learningRate   learning rate
     * @param batchSize      samples per batch
     * @param maxEpochs      most epochs per run
     * @param patience       epochs without validation improvement before stopping early
     * @param seed           random seed (initialisation, shuffling, augmentation); reproducible on CPU
     * @param imageSize      images: [height, width] to resize to; empty keeps the dataset's shape
     * @param colorMode      images: GRAYSCALE or RGB; empty keeps the dataset's channels
     * @param horizontalFlip images: mirror half the training images each epoch
     * @param warmStart      start from the production model when architecture, input and classes match
     */
    public record Defaults(@DefaultValue("") String architecture,
                           @DefaultValue("16,32") List<Integer> filters,
                           @DefaultValue List<Integer> hidden,
                           @DefaultValue("0") double dropout,
                           @DefaultValue("adam") String optimizer,
                           @DefaultValue("0.001") @Positive double learningRate,
                           @DefaultValue("32") @Positive int batchSize,
                           @DefaultValue("20") @Positive int maxEpochs,
                           @DefaultValue("5") @Positive int patience,
                           @DefaultValue("42") long seed,
                           @DefaultValue List<Integer> imageSize,
                           @DefaultValue("") String colorMode,
                           @DefaultValue("false") boolean horizontalFlip,
                           @DefaultValue("true") boolean warmStart) {}

    /**
     * One model's settings; null (unset) fields come from {@code defaults}.
     *
     * @param dataset the dataset this model trains on; unset: the dataset with the model's name
     */
    public record ModelOverrides(String dataset, String architecture, List<Integer> filters, List<Integer> hidden, Double dropout,
                                 String optimizer, Double learningRate, Integer batchSize, Integer maxEpochs, Integer patience, Long seed,
                                 List<Integer> imageSize, String colorMode, Boolean horizontalFlip, Boolean warmStart) {}

    /**
     * Hyperparameter searches ({@code sluice.training.tuning}): the search space every model starts from, per model only what
     * differs.
     *
     * @param trials          trials per search
     * @param minLearningRate smallest learning rate (sampled log-uniformly)
     * @param maxLearningRate largest learning rate
     * @param batchSizes      batch sizes to choose from
     * @param hidden          hidden layer sizes to choose from, each comma-separated ("64", "128,64"); empty keeps the model's
     * @param minEpochs       epochs of the first successive-halving rung
     * @param maxEpochs       a trial's epoch budget
     * @param reductionFactor η of successive halving: about 1/η of the trials at a rung go on
     * @param seed            sampling seed
     * @param parallelism     trials training at once; 0: the available processors
     * @param everyRuns       start a search by itself with every N-th accepted training run of a model; 0: never
     * @param models          per model: the settings that differ (unset fields come from the ones above)
     */
    public record Tuning(@DefaultValue("8") @Positive int trials,
                         @DefaultValue("0.0001") @Positive double minLearningRate,
                         @DefaultValue("0.1") @Positive double maxLearningRate,
                         @DefaultValue("16,32,64") List<Integer> batchSizes,
                         @DefaultValue List<String> hidden,
                         @DefaultValue("1") @Positive int minEpochs,
                         @DefaultValue("9") @Positive int maxEpochs,
                         @DefaultValue("3") @jakarta.validation.constraints.Min(2) int reductionFactor,
                         @DefaultValue("42") long seed,
                         @DefaultValue("0") @jakarta.validation.constraints.PositiveOrZero int parallelism,
                         @DefaultValue("0") @jakarta.validation.constraints.PositiveOrZero int everyRuns,
                         @DefaultValue Map<String, TuningOverrides> models) {

        /** The search space of a model: its overrides on these settings. */
        public io.sluice.training.domain.tuning.SearchSpace spaceFor(String model) {
            TuningOverrides o = models.getOrDefault(model, new TuningOverrides(null, null, null, null, null, null, null, null, null));
            List<String> h = o.hidden() != null ? o.hidden() : hidden;
            return new io.sluice.training.domain.tuning.SearchSpace(or(o.trials(), trials), or(o.minLearningRate(), minLearningRate),
                    or(o.maxLearningRate(), maxLearningRate), or(o.batchSizes(), batchSizes),
                    h.stream().map(sizes -> java.util.Arrays.stream(sizes.split(",")).map(String::trim).map(Integer::valueOf).toList()).toList(),
                    or(o.minEpochs(), minEpochs), or(o.maxEpochs(), maxEpochs), or(o.reductionFactor(), reductionFactor), or(o.seed(), seed));
        }

        /** Trials at once: {@code parallelism}, or the available processors when 0. */
        public int effectiveParallelism() {
            return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
        }

        private static <T> T or(T override, T fallback) {
            return override != null ? override : fallback;
        }
    }

    /** One model's search space; null fields come from {@code sluice.training.tuning}. */
    public record TuningOverrides(Integer trials, Double minLearningRate, Double maxLearningRate, List<Integer> batchSizes,
                                  List<String> hidden, Integer minEpochs, Integer maxEpochs, Integer reductionFactor, Long seed) {}
}
