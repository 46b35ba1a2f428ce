package io.sluice.ingest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.ingest.domain.DatasetAssembler;
import io.sluice.ingest.domain.DatasetLayouts;
import io.sluice.ingest.domain.DatasetPipeline;
import io.sluice.ingest.domain.DatasetPublisher;
import io.sluice.ingest.domain.DatasetTracker;
import io.sluice.ingest.domain.DatasetVersions;
import io.sluice.ingest.domain.NotificationIntake;
import io.sluice.ingest.domain.RawBucket;
import io.sluice.ingest.messaging.KafkaDatasetPublisher;
import io.sluice.ingest.notifications.NotificationParser;
import io.sluice.ingest.watch.FolderWatcher;
import io.sluice.platform.datasets.Splits;
import io.sluice.platform.events.EventHeaders;
import io.sluice.platform.storage.ObjectKeys;
import io.sluice.platform.storage.ObjectStore;
import io.sluice.platform.storage.StoredObject;

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
    DatasetPipeline datasetPipeline(ObjectStore store, RawBucket raw, IngestProperties properties, DatasetPublisher publisher) {
        DatasetAssembler assembler = new DatasetAssembler(store, raw, properties.validation().toRules(), Splits.DEFAULT,
                properties.assemblyThreads());
        return new DatasetPipeline(assembler, new DatasetVersions(store, properties.trainingBucket()), publisher);
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
    NotificationIntake notificationIntake(RawBucket raw, DatasetTracker tracker) {
        return new NotificationIntake(raw, tracker);
    }

    @Bean(destroyMethod = "close")
    FolderWatcherHolder folderWatcher(IngestProperties properties, RawBucket raw, NotificationIntake intake) {
        URI uri = properties.rawBucket();
        if (!"file".equals(uri.getScheme()) || !properties.watch().enabled()) {
            return new FolderWatcherHolder(null);
        }
        return new FolderWatcherHolder(new FolderWatcher(Path.of(uri), raw.name(), intake::accept));
    }

    /** After start-up: watch the local bucket, then look at every dataset that already has a completion marker. */
    @Bean
    ApplicationRunner ingestStartup(FolderWatcherHolder watcher, IngestProperties properties, ObjectStore store, RawBucket raw,
                                    DatasetTracker tracker) {
        return args -> {
            if (watcher.watcher() != null) {
                watcher.watcher().start(RawBucket.DATASETS);
            }
            if (properties.scanOnStart()) {
                int found = 0;
                URI datasets = raw.datasetsPrefix();
                try (Stream<StoredObject> objects = store.list(datasets)) {
                    for (StoredObject object : (Iterable<StoredObject>) objects::iterator) {
                        String key = ObjectKeys.relativize(datasets, object.uri());
                        int slash = key.indexOf('/');
                        String name = slash > 0 ? key.substring(0, slash) : "";
                        if (slash > 0 && DatasetLayouts.isMarker(key.substring(slash + 1)) && raw.isDatasetName(name)) {
                            tracker.objectStored(name, true);
                            found++;
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("could not scan {} for completed datasets: {}", datasets, e.toString());
                }
                log.info("start-up scan: {} completed dataset(s) in {} to check", found, datasets);
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
