package io.sluice.training.vertex;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.AcceleratorType;
import com.google.cloud.aiplatform.v1.ContainerSpec;
import com.google.cloud.aiplatform.v1.CustomJob;
import com.google.cloud.aiplatform.v1.CustomJobSpec;
import com.google.cloud.aiplatform.v1.JobServiceClient;
import com.google.cloud.aiplatform.v1.JobState;
import com.google.cloud.aiplatform.v1.LocationName;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Scheduling;
import com.google.cloud.aiplatform.v1.WorkerPoolSpec;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.sluice.training.CloudJobOutcomes;
import io.sluice.training.CloudProgress;
import io.sluice.models.ModelPackage;
import io.sluice.training.domain.RunStoppedException;
import io.sluice.training.domain.TrainingBackend;
import io.sluice.training.domain.TrainingFailure;
import io.sluice.training.domain.TrainingJob;
import io.sluice.training.domain.TrainingMonitor;
import io.sluice.training.domain.TrainingOutcome;

/**
 * Runs training as a Vertex AI CustomJob: one worker pool running this service's trainer command
 * ({@code train --dataset <manifest> --output <gs://…/models/<model>/<version>/>}) with the configured
 * machine, accelerator, spot scheduling, restart-on-failure and timeout; polls the job state, cancels
 * it when the run is cancelled or superseded, and reads the model card the job wrote. Calls go
 * through a resilience4j retry (transient gRPC codes) inside a circuit breaker. The job name is
 * journaled so a restarted service re-attaches.
 */
public final class VertexAiTrainingBackend implements TrainingBackend, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VertexAiTrainingBackend.class.getName());

    /**
     * The CustomJob options users set in the seed configs.
     *
     * @param project           Google Cloud project
     * @param location          region, e.g. {@code europe-west4}
     * @param imageUri          container image of the trainer
     * @param machineType       e.g. {@code n1-standard-8}
     * @param acceleratorType   e.g. {@code NVIDIA_TESLA_T4}, or {@code ACCELERATOR_TYPE_UNSPECIFIED} for none
     * @param acceleratorCount  accelerators per replica (0 for none)
     * @param spot              run on spot capacity
     * @param restartOnFailure  restart the job when a worker restarts
     * @param timeout           longest the job may run (Vertex AI enforces it too)
     * @param pollInterval      time between state polls
     * @param baseOutputDirectory {@code gs://} prefix, ending with '/', under which each job gets {@code <runId>/} as its
     *                          {@code baseOutputDirectory} (Vertex AI's {@code AIP_MODEL_DIR}, checkpoint and log folders: the
     *                          staging bucket, whose lifecycle rule deletes them); empty, or not {@code gs://}, sets none
     */
    public record Settings(String project, String location, String imageUri, String machineType, String acceleratorType,
                           int acceleratorCount, boolean spot, boolean restartOnFailure, Duration timeout, Duration pollInterval,
                           String baseOutputDirectory) {

        public Settings {
            baseOutputDirectory = baseOutputDirectory == null ? "" : baseOutputDirectory.strip();
        }

        /** Settings without a base output directory. */
        public Settings(String project, String location, String imageUri, String machineType, String acceleratorType,
                        int acceleratorCount, boolean spot, boolean restartOnFailure, Duration timeout, Duration pollInterval) {
            this(project, location, imageUri, machineType, acceleratorType, acceleratorCount, spot, restartOnFailure, timeout,
                    pollInterval, "");
        }

        /** The job's output folder, or null where none is set (Vertex AI writes only to Cloud Storage). */
        String outputDirectory(String runId) {
            if (!baseOutputDirectory.startsWith("gs://")) {
                return null;
            }
            return (baseOutputDirectory.endsWith("/") ? baseOutputDirectory : baseOutputDirectory + "/") + runId + "/";
        }
    }

    private final JobServiceClient jobs;
    private final Settings settings;
    private final ModelPackage models;
    private final URI modelsBucket;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Clock clock;

    public VertexAiTrainingBackend(JobServiceClient jobs, Settings settings, ModelPackage models, URI modelsBucket, Retry retry,
                                   CircuitBreaker breaker, Clock clock) {
        this.jobs = jobs;
        this.settings = settings;
        this.models = models;
        this.modelsBucket = modelsBucket;
        this.retry = retry;
        this.breaker = breaker;
        this.clock = clock;
    }

    /** Retries UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED and INTERNAL with exponential backoff. */
    public static RetryConfig retryConfig(int maxAttempts, Duration firstBackoff) {
        return RetryConfig.custom().maxAttempts(maxAttempts)
                .intervalFunction(io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(firstBackoff, 2.0))
                .retryOnException(e -> e instanceof ApiException api && switch (api.getStatusCode().getCode()) {
                    case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL -> true;
                    default -> false;
                })
                .build();
    }

    @Override
    public String name() {
        return "vertex-ai";
    }

    /** Closes the JobService client. */
    @Override
    public void close() {
        jobs.close();
    }

    @Override
    public TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) throws TrainingFailure {
        URI modelUri = ModelPackage.modelUri(modelsBucket, job.request().modelName(), job.modelVersion());
        String name = job.externalJobId();
        if (name == null) {
            CustomJob created = call("create the CustomJob", () -> jobs.createCustomJob(LocationName.of(settings.project(), settings.location()),
                    customJob(job, modelUri)));
            name = created.getName();
            monitor.submitted(name);
        } else {
            LOG.info("re-attaching run " + job.runId() + " to Vertex AI job " + name);
        }
        String device = settings.machineType() + (settings.acceleratorCount() > 0 ? " + " + settings.acceleratorCount() + "x"
                + settings.acceleratorType() : "");
        monitor.started(name(), device, job.settings().architecture() == null ? "auto" : job.settings().architecture(),
                job.settings().asMap(), null);
        Instant deadline = clock.instant().plus(settings.timeout());
        String jobName = name;
        int reported = 0; // epochs the job's trainer left under <version>/progress/ and this run reported
        while (true) {
            if (monitor.stopRequested()) {
                if (monitor.cancelRequested()) {
                    call("cancel the CustomJob", () -> {
                        jobs.cancelCustomJob(jobName);
                        return null;
                    });
                    throw new RunStoppedException("Vertex AI job " + jobName + " cancelled");
                }
                throw new RunStoppedException("service stopping; Vertex AI job " + jobName + " keeps running and is re-attached on restart");
            }
            CustomJob current = call("read the CustomJob", () -> jobs.getCustomJob(jobName));
            JobState state = current.getState();
            reported = CloudProgress.report(models.store(), modelUri, reported, monitor);
            switch (state) {
                case JOB_STATE_SUCCEEDED:
                    CloudProgress.report(models.store(), modelUri, reported, monitor);
                    return outcome(job, modelUri, device);
                case JOB_STATE_FAILED:
                    throw new TrainingFailure("Vertex AI job " + jobName + " failed: " + current.getError().getMessage(), false, null);
                case JOB_STATE_CANCELLED, JOB_STATE_CANCELLING:
                    throw new TrainingFailure("Vertex AI job " + jobName + " was cancelled outside Sluice", false, null);
                case JOB_STATE_EXPIRED:
                    throw new TrainingFailure("Vertex AI job " + jobName + " expired before it could run (no capacity for "
                            + device + (settings.spot() ? " on spot" : "") + ")", true, true, null);
                default:
                    break; // queued, pending, running
            }
            if (clock.instant().isAfter(deadline)) {
                call("cancel the CustomJob", () -> {
                    jobs.cancelCustomJob(jobName);
                    return null;
                });
                throw new TrainingFailure("Vertex AI job " + jobName + " ran longer than " + settings.timeout()
                        + " and was cancelled; raise sluice.training.vertex.timeout or use a larger machine", false, true, null);
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunStoppedException("interrupted while waiting for Vertex AI job " + jobName);
            }
        }
    }

    CustomJob customJob(TrainingJob job, URI modelUri) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", job.request().manifestUri(), "--output", modelUri.toString(),
                "--run-id", job.runId()));
        job.settings().trainerArguments().forEach((key, value) -> args.add("--" + key + "=" + value));
        MachineSpec.Builder machine = MachineSpec.newBuilder().setMachineType(settings.machineType());
        if (settings.acceleratorCount() > 0) {
            machine.setAcceleratorType(AcceleratorType.valueOf(settings.acceleratorType())).setAcceleratorCount(settings.acceleratorCount());
        }
        Scheduling.Builder scheduling = Scheduling.newBuilder()
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(settings.timeout().toSeconds()))
                .setRestartJobOnWorkerRestart(settings.restartOnFailure());
        if (settings.spot()) {
            scheduling.setStrategy(Scheduling.Strategy.SPOT);
        }
        CustomJobSpec.Builder spec = CustomJobSpec.newBuilder()
                .addWorkerPoolSpecs(WorkerPoolSpec.newBuilder().setMachineSpec(machine).setReplicaCount(1)
                        .setContainerSpec(ContainerSpec.newBuilder().setImageUri(settings.imageUri()).addAllArgs(args)))
                .setScheduling(scheduling);
        String output = settings.outputDirectory(job.runId());
        if (output != null) {
            // the job's scratch (AIP_MODEL_DIR, checkpoints, logs) goes to the staging bucket; the version itself to --output
            spec.setBaseOutputDirectory(com.google.cloud.aiplatform.v1.GcsDestination.newBuilder().setOutputUriPrefix(output));
        }
        return CustomJob.newBuilder().setDisplayName(job.runId())
                .putLabels("sluice-model", job.request().modelName().toLowerCase(java.util.Locale.ROOT))
                .setJobSpec(spec)
                .build();
    }

    private TrainingOutcome outcome(TrainingJob job, URI modelUri, String device) throws TrainingFailure {
        try {
            return CloudJobOutcomes.fromCard(models.readCard(modelUri), modelUri, job.modelVersion(), name(), device);
        } catch (IOException e) {
            throw new TrainingFailure("the Vertex AI job succeeded but " + modelUri + " holds no valid model version: " + e.getMessage(),
                    false, e);
        }
    }

    JobServiceClient jobs() {
        return jobs;
    }

    Settings settings() {
        return settings;
    }

    /** One API call through the retry and circuit breaker; refusals become actionable failures. */
    <T> T call(String what, Supplier<T> call) throws TrainingFailure {
        try {
            return breaker.executeSupplier(Retry.decorateSupplier(retry, call));
        } catch (CallNotPermittedException e) {
            throw new TrainingFailure("Vertex AI is failing repeatedly (circuit open); cannot " + what, true, e);
        } catch (ApiException e) {
            String code = e.getStatusCode().getCode().name();
            boolean auth = code.equals("PERMISSION_DENIED") || code.equals("UNAUTHENTICATED");
            throw new TrainingFailure("Vertex AI refused to " + what + " (" + code + ")"
                    + (auth ? ": check the service account's roles/aiplatform.user on project " + settings.project() : ": " + e.getMessage()),
                    !auth && !code.equals("INVALID_ARGUMENT"), e);
        }
    }
}
