package io.sluice.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.ingest.domain.CompletedDatasets;
import io.sluice.ingest.domain.DatasetAssembler;
import io.sluice.ingest.domain.DatasetPipeline;
import io.sluice.ingest.domain.DatasetPublisher;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.DatasetVersions;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.messaging.DatasetOwner;
import io.sluice.ingest.messaging.KafkaDatasetPublisher;
import io.sluice.ingest.messaging.KafkaNotificationForwarder;
import io.sluice.ingest.notifications.NotificationParser;
import io.sluice.ingest.watch.FolderWatcher;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.messaging.OwnedPartitions;
import io.sluice.platform.security.LogSafe;
import io.sluice.platform.storage.ObjectStore;

/** Builds the domain objects from {@link IngestProperties}; the beans only adapt, the domain decides. */
@Configuration(proxyBeanMethods = false)
class IngestConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    @Bean
    RawBucket rawBucket(IngestProperties properties) {
        return new RawBucket(properties.rawBucket());
    }

    @Bean
    NotificationParser notificationParser() {
        return new NotificationParser();
    }

    @Bean
    DatasetPublisher datasetPublisher(StreamBridge bridge, EventHeaders headers) {
        return new KafkaDatasetPublisher(bridge, headers);
    }

    @Bean
    DatasetPipeline datasetPipeline(ObjectStore store, RawBucket raw, IngestProperties properties, DatasetPublisher publisher, Clock clock) {
        DatasetAssembler assembler = new DatasetAssembler(store, raw, properties.validation().toRules(), Splits.DEFAULT,
                properties.assemblyThreads());
        return new DatasetPipeline(assembler, new DatasetVersions(store, properties.trainingBucket()), publisher, clock,
                properties.claimTimeout());
    }

    @Bean(destroyMethod = "close")
    DatasetTracker datasetTracker(DatasetPipeline pipeline, IngestProperties properties, Clock clock, MeterRegistry meters) {
        DatasetTracker tracker = new DatasetTracker(properties.quietPeriod(), clock, (dataset, byMarker) -> {
            DatasetPipeline.Outcome outcome = pipeline.complete(dataset, byMarker);
            meters.counter("sluice.ingest.datasets.completed", "outcome", outcome.name()).increment();
        }, Duration.ofMillis(250));
        Gauge.builder("sluice.ingest.datasets.pending", tracker, DatasetTracker::pending).register(meters);
        return tracker;
    }

    @Bean
    NotificationIntake.Forwarder notificationForwarder(StreamBridge bridge, Environment environment) {
        return new KafkaNotificationForwarder(bridge, environment.getProperty("HOSTNAME", "local"));
    }

    @Bean
    NotificationIntake notificationIntake(RawBucket raw, DatasetTracker tracker, NotificationIntake.Forwarder forwarder) {
        return new NotificationIntake(raw, tracker, forwarder);
    }

    /**
     * Which datasets this replica assembles (one owner per notifications partition, platform's {@link OwnedPartitions}); scans
     * what it newly owns on every assignment.
     */
    @Bean
    OwnedPartitions datasetOwnership(DatasetOwner owner) {
        return owner.ownership();
    }

    @Bean(destroyMethod = "close")
    DatasetOwner datasetOwner(ObjectStore store, RawBucket raw, DatasetTracker tracker, IngestProperties properties) {
        return new DatasetOwner("storageNotifications-in-0", raw, tracker, new CompletedDatasets(store, raw, tracker), properties.scanOnStart());
    }

    @Bean(destroyMethod = "close")
    FolderWatcherHolder folderWatcher(IngestProperties properties, RawBucket raw, NotificationIntake intake) {
        URI uri = properties.rawBucket();
        if (!"file".equals(uri.getScheme()) || !properties.watch().enabled()) {
            return new FolderWatcherHolder(null);
        }
        return new FolderWatcherHolder(new FolderWatcher(Path.of(uri), raw.name(), event -> {
            try {
                intake.accept(List.of(event));
            } catch (RuntimeException e) {
                // Kafka unreachable: the owner's scan on its next assignment finds the completed dataset
                log.warn("could not forward the folder notification of {}: {}", LogSafe.text(event.key()), LogSafe.text(e.toString()));
            }
        }));
    }

    /** After start-up: watch the local bucket (completed datasets are looked at when partitions are assigned). */
    @Bean
    ApplicationRunner ingestStartup(FolderWatcherHolder watcher) {
        return args -> {
            if (watcher.watcher() != null) {
                watcher.watcher().start(RawBucket.DATASETS);
            }
        };
    }

    /** The folder watcher, when the raw bucket is local. */
    record FolderWatcherHolder(FolderWatcher watcher) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (watcher != null) {
                watcher.close();
            }
        }
    }
}
