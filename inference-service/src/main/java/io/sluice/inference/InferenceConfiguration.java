package io.sluice.inference;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.inference.cache.ModelCache;
import io.sluice.inference.djl.DjlModelLoader;
import io.sluice.inference.domain.BatchSettings;
import io.sluice.inference.domain.HostedVersion;
import io.sluice.inference.domain.InputGuard;
import io.sluice.inference.domain.ModelHost;
import io.sluice.inference.domain.ModelLoader;
import io.sluice.inference.domain.Predictions;
import io.sluice.inference.domain.RoutingTable;
import io.sluice.inference.domain.TelemetrySink;
import io.sluice.inference.messaging.EventOutbox;
import io.sluice.inference.messaging.KafkaTelemetry;
import io.sluice.models.Devices;
import io.sluice.models.ModelPackage;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.storage.ObjectStore;

/** Builds the domain objects of the inference-service from its settings. */
@Configuration(proxyBeanMethods = false)
class InferenceConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ModelLoader modelLoader(ObjectStore store, InferenceProperties properties, ObjectProvider<ModelHost> host, Clock clock) {
        // resolved at start-up: a GPU asked for and absent stops the service here, never a silent CPU
        Device device = device("sluice.inference.device", properties.device());
        Map<String, Device> byModel = new HashMap<>();
        properties.modelDevices().forEach((model, setting) -> byModel.put(model, device("sluice.inference.model-devices." + model, setting)));
        DjlModelLoader djl = new DjlModelLoader(new ModelPackage(store, properties.modelCacheDir()), model -> byModel.getOrDefault(model, device),
                properties.loadAttempts(), properties.loadBackoff(), properties.maxImagePixels());
        // the cap: after each load, least recently used versions go, never one the host holds (asked then, not now:
        // the host is built from this loader)
        return new ModelCache(djl, properties.modelCacheDir(), properties.cache().maxBytes().toBytes(), () -> host.getObject().held(), clock);
    }

    private static Device device(String key, String setting) {
        try {
            return Devices.resolve(setting);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(key + "=" + setting + ": " + e.getMessage(), e);
        }
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService modelLoads() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "model-load-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean(destroyMethod = "close")
    ModelHost modelHost(ModelLoader loader, ExecutorService modelLoads, InferenceProperties properties, Clock clock) {
        return new ModelHost(loader, modelLoads, new BatchSettings(properties.maxBatchSize(), properties.maxQueueDelay(),
                properties.queueCapacity(), properties.maxQueueWait(), Duration.ofSeconds(1)), clock, properties.retainRemoved());
    }

    /** Unloads versions retained after they left the routing table once their time is up. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService retainedVersionsSweep(ModelHost host) {
        ScheduledExecutorService sweep = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "retained-versions-sweep");
            thread.setDaemon(true);
            return thread;
        });
        sweep.scheduleWithFixedDelay(host::unloadExpired, 15, 15, TimeUnit.SECONDS);
        return sweep;
    }

    @Bean
    RoutingTable routingTable(ModelHost host) {
        RoutingTable table = new RoutingTable();
        table.onChange(host::sync);
        return table;
    }

    @Bean
    EventOutbox eventOutbox(StreamBridge bridge, InferenceProperties properties, MeterRegistry meters) {
        return new EventOutbox(EventOutbox.Sender.of(bridge), properties.telemetryBuffer(), meters);
    }

    @Bean
    TelemetrySink telemetry(EventOutbox outbox, EventHeaders headers, ModelHost host) {
        return new KafkaTelemetry(outbox, headers, (model, version) -> host.version(model, version)
                .map(HostedVersion::info).filter(info -> info != null).map(info -> info.lineage())
                .orElse(model + "@" + version));
    }

    @Bean
    Predictions predictions(RoutingTable table, ModelHost host, TelemetrySink telemetry, InferenceProperties properties) {
        return new Predictions(table, host, telemetry, properties.requestTimeout(),
                new InputGuard(properties.inputGuard(), properties.inputTolerance()));
    }
}
