package io.sluice.training.modelarts;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.sluice.models.ModelCard;
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
 * Runs training as a ModelArts training job ({@code /v2/{project_id}/training-jobs}): the job runs
 * this service's trainer command in a container and writes the model version to the models bucket
 * ({@code obs://…}); this backend submits it, polls its phase, terminates it on cancellation or
 * timeout, and reads the model card it wrote. Requests carry an IAM token or an AK/SK signature
 * ({@link ModelArtsAuthentication}). Every call goes through a resilience4j retry
 * (transient 5xx / I/O errors, exponential backoff) inside a circuit breaker. The submitted job id
 * is journaled, so a restarted service re-attaches instead of submitting again.
 */
public final class ModelArtsTrainingBackend implements TrainingBackend {

    private static final Logger LOG = Logger.getLogger(ModelArtsTrainingBackend.class.getName());

    /**
     * Where and how jobs run.
     *
     * @param endpoint     ModelArts endpoint, e.g. {@code https://modelarts.ap-southeast-1.myhuaweicloud.com}
     * @param projectId    Huawei Cloud project id
     * @param imageUrl     SWR image of the trainer (this service's image, {@code deploy/Dockerfile})
     * @param command      boot command of the container; ModelArts appends the job's parameters as {@code --name=value},
     *                     so this ends with the {@code train} command, e.g. {@code java -jar /app/service.jar train}
     * @param flavorId     resource flavour, e.g. {@code modelarts.vm.gpu.t4}
     * @param nodeCount    nodes per job
     * @param pollInterval time between status polls
     * @param timeout      longest a job may run before it is terminated
     */
    public record Settings(URI endpoint, String projectId, String imageUrl, String command, String flavorId, int nodeCount,
                           Duration pollInterval, Duration timeout) {}

    private final RestClient http;
    private final Settings settings;
    private final ModelPackage models;
    private final URI modelsBucket;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final ModelArtsAuthentication auth;

    /**
     * @param auth IAM token or AK/SK signing; credentials are never logged
     */
    public ModelArtsTrainingBackend(RestClient.Builder http, Settings settings, ModelArtsAuthentication auth, ModelPackage models,
                                    URI modelsBucket, Retry retry, CircuitBreaker breaker, Clock clock) {
        this.http = http.baseUrl(settings.endpoint().toString()).requestInterceptor(auth).build();
        this.auth = auth;
        this.settings = settings;
        this.models = models;
        this.modelsBucket = modelsBucket;
        this.retry = retry;
        this.breaker = breaker;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "modelarts";
    }

    @Override
    public TrainingOutcome train(TrainingJob job, TrainingMonitor monitor) throws TrainingFailure {
        URI modelUri = ModelPackage.modelUri(modelsBucket, job.request().modelName(), job.modelVersion());
        String jobId = job.externalJobId();
        if (jobId == null) {
            jobId = call("create the training job", () -> create(job, modelUri));
            monitor.submitted(jobId);
        } else {
            LOG.info("re-attaching run " + job.runId() + " to ModelArts job " + job.externalJobId());
        }
        monitor.started(name(), settings.flavorId(), job.settings().architecture() == null ? "auto" : job.settings().architecture(),
                job.settings().asMap(), null);
        Instant deadline = clock.instant().plus(settings.timeout());
        String id = jobId;
        int reported = 0; // epochs the job's trainer left under <version>/progress/ and this run reported
        while (true) {
            if (monitor.stopRequested()) {
                if (monitor.cancelRequested()) {
                    call("terminate the training job", () -> terminate(id));
                    throw new RunStoppedException("ModelArts job " + id + " terminated");
                }
                throw new RunStoppedException("service stopping; ModelArts job " + id + " keeps running and is re-attached on restart");
            }
            Map<?, ?> status = call("read the training job", () -> status(id));
            String phase = String.valueOf(status.get("phase"));
            reported = CloudProgress.report(models.store(), modelUri, reported, monitor);
            switch (phase) {
                case "Completed":
                    CloudProgress.report(models.store(), modelUri, reported, monitor);
                    return outcome(job, modelUri);
                case "Failed", "Abnormal":
                    throw new TrainingFailure("ModelArts job " + id + " ended " + phase + ": " + reason(status), false, null);
                case "Terminated", "Terminating":
                    throw new TrainingFailure("ModelArts job " + id + " was terminated outside Sluice", false, null);
                default:
                    break; // Creating, Pending, Running, …
            }
            if (clock.instant().isAfter(deadline)) {
                call("terminate the training job", () -> terminate(id));
                throw new TrainingFailure("ModelArts job " + id + " ran longer than " + settings.timeout() + " and was terminated; raise "
                        + "sluice.training.modelarts.timeout or use a larger flavour", false, true, null);
            }
            try {
                Thread.sleep(settings.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunStoppedException("interrupted while waiting for ModelArts job " + id);
            }
        }
    }

    private String create(TrainingJob job, URI modelUri) {
        List<Map<String, String>> parameters = new ArrayList<>();
        parameters.add(Map.of("name", "dataset", "value", job.request().manifestUri()));
        parameters.add(Map.of("name", "output", "value", modelUri.toString()));
        parameters.add(Map.of("name", "run-id", "value", job.runId()));
        job.settings().trainerArguments().forEach((key, value) -> parameters.add(Map.of("name", key, "value", value)));
        Map<String, Object> body = Map.of(
                "kind", "job",
                "metadata", Map.of("name", job.runId(), "description", "Sluice run " + job.runId()),
                "algorithm", Map.of("engine", Map.of("image_url", settings.imageUrl()), "command", settings.command(),
                        "parameters", parameters),
                "spec", Map.of("resource", Map.of("flavor_id", settings.flavorId(), "node_count", settings.nodeCount())));
        Map<?, ?> created = http.post().uri("/v2/{project}/training-jobs", settings.projectId()).contentType(MediaType.APPLICATION_JSON)
                .body(body).retrieve().body(Map.class);
        Object metadata = created == null ? null : created.get("metadata");
        Object id = metadata instanceof Map<?, ?> m ? m.get("id") : null;
        if (id == null) {
            throw new IllegalStateException("ModelArts answered without metadata.id");
        }
        return id.toString();
    }

    private Map<?, ?> status(String id) {
        Map<?, ?> job = http.get().uri("/v2/{project}/training-jobs/{id}", settings.projectId(), id).retrieve().body(Map.class);
        Object status = job == null ? null : job.get("status");
        return status instanceof Map<?, ?> map ? map : Map.of();
    }

    private Void terminate(String id) {
        http.post().uri("/v2/{project}/training-jobs/{id}/actions", settings.projectId(), id).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("action_type", "terminate")).retrieve().toBodilessEntity();
        return null;
    }

    private static String reason(Map<?, ?> status) {
        Object reason = status.get("reason");
        return reason == null ? String.valueOf(status.get("secondary_phase")) : reason.toString();
    }

    private TrainingOutcome outcome(TrainingJob job, URI modelUri) throws TrainingFailure {
        try {
            ModelCard card = models.readCard(modelUri);
            return CloudJobOutcomes.fromCard(card, modelUri, job.modelVersion(), name(),
                    card.training().getOrDefault("device", settings.flavorId()));
        } catch (IOException e) {
            throw new TrainingFailure("the ModelArts job completed but " + modelUri + " holds no valid model version: " + e.getMessage(), false, e);
        }
    }

    /** One API call through retry and circuit breaker; client errors (4xx) are not retried and fail the run. */
    private <T> T call(String what, Supplier<T> call) throws TrainingFailure {
        try {
            return breaker.executeSupplier(Retry.decorateSupplier(retry, call));
        } catch (HttpClientErrorException e) {
            HttpStatusCode status = e.getStatusCode();
            throw new TrainingFailure("ModelArts refused to " + what + " (HTTP " + status.value() + ")"
                    + (status.value() == 401 || status.value() == 403 ? ": " + auth.refusalHint() : ""), false, e);
        } catch (CallNotPermittedException e) {
            throw new TrainingFailure("ModelArts is failing repeatedly (circuit open); cannot " + what, true, e);
        } catch (RestClientException | IllegalStateException e) {
            throw new TrainingFailure("cannot " + what + " in ModelArts: " + e.getMessage(), true, e);
        }
    }

    /** Retry settings for ModelArts calls: transient errors only (5xx, I/O), exponential backoff. */
    public static io.github.resilience4j.retry.RetryConfig retryConfig(int maxAttempts, Duration firstBackoff) {
        return io.github.resilience4j.retry.RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .intervalFunction(io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(firstBackoff, 2.0))
                .retryOnException(e -> !(e instanceof HttpClientErrorException))
                .build();
    }
}
