package io.sluice.inference.djl;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

import ai.djl.Device;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.sluice.inference.domain.ModelLoader;
import io.sluice.inference.domain.Route;
import io.sluice.inference.domain.ServedModel;
import io.sluice.models.InvalidModelCardException;
import io.sluice.models.LoadedModel;
import io.sluice.models.ModelCard;
import io.sluice.models.ModelIntegrityException;
import io.sluice.models.ModelPackage;

/**
 * Loads versions with the shared {@link ModelPackage}: artifacts are copied into the cache and every
 * file is checked against the card's SHA-256 and size (a tampered file is refused, never retried);
 * transient storage failures are retried with exponential backoff. The network runs on the device the settings
 * name for its model ({@code sluice.inference.device}, {@code model-devices}).
 */
public final class DjlModelLoader implements ModelLoader {

    private final ModelPackage packages;
    private final Function<String, Device> device;
    private final long maxImagePixels;
    private final RetryConfig retry;

    /**
     * @param device         where a model's versions run, by model name (resolved from the settings at start-up)
     * @param attempts       fetch attempts before giving up
     * @param backoff        wait before the second attempt, doubled for each further one
     * @param maxImagePixels largest decoded image accepted
     */
    public DjlModelLoader(ModelPackage packages, Function<String, Device> device, int attempts, Duration backoff, long maxImagePixels) {
        this.packages = packages;
        this.device = device;
        this.maxImagePixels = maxImagePixels;
        this.retry = RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(backoff, 2.0))
                .retryOnException(e -> e instanceof IOException && !(e instanceof ModelIntegrityException)
                        && !(e instanceof InvalidModelCardException))
                .build();
    }

    @Override
    public ServedModel load(String model, Route route) throws Exception {
        URI uri = URI.create(route.modelUri());
        ModelPackage.Fetched fetched = Retry.of("load-" + model + "-" + route.version(), retry)
                .executeCallable(() -> packages.fetch(uri));
        ModelCard card = fetched.card();
        if (!card.modelName().equals(model) || !card.version().equals(route.version())) {
            throw new InvalidModelCardException("the card at " + uri + " describes " + card.modelName() + ":" + card.version()
                    + ", not " + model + ":" + route.version());
        }
        LoadedModel loaded = LoadedModel.open(fetched, device.apply(model));
        try {
            return new DjlServedModel(loaded, maxImagePixels);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }
}
