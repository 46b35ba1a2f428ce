package io.sluice.monitoring.streams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.annotation.KafkaStreamsDefaultConfiguration;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.events.PredictionFeedback;
import io.sluice.events.PredictionOutcome;
import io.sluice.events.PredictionServed;
import io.sluice.events.codec.EventCodec;
import io.sluice.monitoring.MonitoringProperties;
import io.sluice.monitoring.domain.ModelWindow;
import io.sluice.monitoring.domain.ServedRequest;
import io.sluice.monitoring.domain.Strata;
import io.sluice.platform.kafka.KafkaClients;

/**
 * The Kafka Streams topology, one sub-topology over {@code sluice.predictions} and {@code sluice.feedback}, both keyed by
 * model: PredictionServed per model and version in tumbling windows ({@value #SERVED_WINDOWS}, pre-aggregated in memory by
 * {@link WindowPreAggregator}); PredictionFeedback joined with the {@link ServedLabel} of its prediction by model and request
 * id within the feedback window ({@link FeedbackJoin}), counted per model and version in the same windows
 * ({@value #FEEDBACK_WINDOWS}); and the routing table as a global table ({@value #DEPLOYMENT_STATE}). Feedback still keyed by
 * request id (written before it was keyed by model) is sent back to its topic keyed by model. It scales out by partitions:
 * the task of partition <i>n</i> holds every store of the models in partition <i>n</i>, so one instance analyses a model.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
public class MonitoringTopology {

    static final String SERVED_WINDOWS = "served-windows";
    /** Feedback labels per model and version in the same windows (until this change a DSL store named feedback-windows). */
    static final String FEEDBACK_WINDOWS = "labelled-windows";
    /** Served labels waiting for their feedback, by model and request id. */
    static final String SERVED_LABELS = "served-labels";
    /** Feedback waiting for its prediction, by model and request id. */
    static final String PENDING_FEEDBACK = "pending-feedback";
    static final String DEPLOYMENT_STATE = "deployment-state";
    /** How often pre-aggregated predictions are merged into the window store (the analysis sees them then). */
    static final java.time.Duration FLUSH_EVERY = java.time.Duration.ofMillis(100);
    static final int MAX_BUFFERED = 20_000;

    @Bean(name = KafkaStreamsDefaultConfiguration.DEFAULT_STREAMS_CONFIG_BEAN_NAME)
    KafkaStreamsConfiguration defaultKafkaStreamsConfig(KafkaProperties kafka, MonitoringProperties properties,
                                                        BadRecords badRecords,
                                                        @Value("${sluice.monitoring.advertised-host:localhost}") String advertisedHost,
                                                        @Value("${server.port:8086}") int port) {
        Map<String, Object> config = new HashMap<>(kafka.buildStreamsProperties());
        config.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "monitoring-service");
        // where this instance's HTTP API listens: another replica forwards GET /monitoring/{model} here for the models it holds
        config.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost + ":" + port);
        config.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir());
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        config.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimeExtractor.class);
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringDeserializationHandler.class);
        config.put(DeadLetteringDeserializationHandler.BAD_RECORDS, badRecords);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        config.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        return new KafkaStreamsConfiguration(config);
    }

    /**
     * Bounded close, so a shutdown with the broker already gone does not hang on the default timeouts; a stream thread
     * that dies of a retriable error is replaced rather than the client shut down (see {@link StreamsState}).
     */
    @Bean
    StreamsBuilderFactoryBeanConfigurer boundedClose() {
        return factory -> {
            factory.setCloseTimeout(5);
            factory.setStreamsUncaughtExceptionHandler(StreamsState.uncaughtExceptionHandler());
        };
    }

    @Bean(destroyMethod = "close")
    BadRecords badRecords(KafkaClients clients, MeterRegistry registry) {
        Map<String, Object> producer = clients.producerConfig(); // security settings included, as every client outside the bindings
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "monitoring-service-dead-letters");
        return new BadRecords(new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer()), registry);
    }

    @Bean
    KStream<String, PredictionServed> monitoringStreams(StreamsBuilder builder, MonitoringProperties properties, EventCodec codec) {
        return build(builder, properties, codec);
    }

    /** Adds the topology to a builder, events in the default wire format; used by the throughput benchmark. */
    public static KStream<String, PredictionServed> build(StreamsBuilder builder, MonitoringProperties properties) {
        return build(builder, properties, EventCodec.singleObject());
    }

    /** Adds the topology to a builder; events are read and written through the process's codec (either wire format). */
    public static KStream<String, PredictionServed> build(StreamsBuilder builder, MonitoringProperties properties, EventCodec codec) {
        MonitoringProperties.Topics topics = properties.topics();
        java.time.Duration retention = max(properties.retention(), properties.window().plus(properties.grace()));

        // predictions and feedback are both keyed by model and read by one source: partition n of each goes to task n,
        // which holds everything of the models in partition n (served windows, labels, labelled windows)
        KStream<String, SpecificRecord> telemetry = builder
                .stream(List.of(topics.predictions(), topics.feedback()), Consumed.with(Serdes.String(), MonitoringSerdes.events(codec))
                        .withName("telemetry"))
                .filter((model, event) -> model != null && (event instanceof PredictionServed
                        || event instanceof PredictionFeedback), Named.as("only-telemetry"));

        // feedback written before it was keyed by model (keyed by request id) goes back to its topic keyed by model,
        // so it reaches the model's task like any other label; nothing is lost
        telemetry.filter((key, event) -> event instanceof PredictionFeedback feedback && !key.equals(feedback.getModelName()),
                        Named.as("feedback-keyed-by-request"))
                .selectKey((key, event) -> ((PredictionFeedback) event).getModelName(), Named.as("feedback-by-model"))
                .to(topics.feedback(), Produced.with(Serdes.String(), MonitoringSerdes.events(codec)).withName("feedback-rekeyed"));

        KStream<String, PredictionServed> served = telemetry
                .filter((model, event) -> event instanceof PredictionServed, Named.as("only-served"))
                .mapValues(event -> (PredictionServed) event, Named.as("as-served"));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SERVED_WINDOWS, retention, properties.window(), false),
                Serdes.String(), MonitoringSerdes.windows()).withCachingDisabled());
        served.process(() -> new WindowPreAggregator(SERVED_WINDOWS, properties.window(), properties.grace(), FLUSH_EVERY,
                MAX_BUFFERED), Named.as("served-windows-aggregate"), SERVED_WINDOWS);

        // only model, version and predicted class wait for their label (a ServedLabel, not the whole event)
        java.time.Duration joinRetention = properties.feedbackWindow().multipliedBy(2).plus(properties.grace());
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SERVED_LABELS, joinRetention, properties.feedbackWindow().multipliedBy(2), true),
                Serdes.String(), ServedLabel.serde()).withCachingDisabled());
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(PENDING_FEEDBACK, joinRetention, properties.feedbackWindow().multipliedBy(2), true),
                Serdes.String(), Serdes.String()).withCachingDisabled());
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(FEEDBACK_WINDOWS, retention, properties.window(), false),
                Serdes.String(), MonitoringSerdes.windows()).withCachingDisabled());
        telemetry.filter((model, event) -> event instanceof PredictionServed
                                || event instanceof PredictionFeedback feedback && model.equals(feedback.getModelName()),
                        Named.as("joinable"))
                .process(() -> new FeedbackJoin(properties.feedbackWindow(), properties.window(), properties.grace()),
                        Named.as("feedback-join"), SERVED_LABELS, PENDING_FEEDBACK, FEEDBACK_WINDOWS);

        builder.globalTable(topics.deploymentState(), Consumed.with(Serdes.String(), MonitoringSerdes.events(codec)),
                Materialized.<String, SpecificRecord, KeyValueStore<Bytes, byte[]>>as(DEPLOYMENT_STATE)
                        .withKeySerde(Serdes.String()).withValueSerde(MonitoringSerdes.events(codec)));
        return served;
    }

    /**
     * Adds one served prediction to a window aggregate, in the slice of the routing revision that
     * served it. Only SERVER_ERROR counts against the version; REJECTED is a capacity refusal and
     * CLIENT_ERROR the caller's fault, both only counted as left out.
     */
    public static ModelWindow add(ModelWindow window, PredictionServed event) {
        Double confidence = event.getConfidence();
        ServedRequest request = new ServedRequest(kind(event.getOutcome()), event.getLatencyMicros() / 1000.0,
                Strata.of(event.getBatchSize(), event.getInputSize()), event.getPredictedClass(),
                confidence == null ? Double.NaN : confidence, event.getInputStats(), event.getInputFlag() != null,
                event.getAgreesWithStable(), event.getHeader().getOccurredAt().toEpochMilli());
        window.slice(event.getModelVersion(), event.getRoutingRevision()).add(request);
        return window;
    }

    static ServedRequest.Kind kind(PredictionOutcome outcome) {
        return switch (outcome) {
            case SERVER_ERROR -> ServedRequest.Kind.SERVER_ERROR;
            case REJECTED -> ServedRequest.Kind.CAPACITY;
            case CLIENT_ERROR -> ServedRequest.Kind.CLIENT_ERROR;
            case OK, UNKNOWN -> ServedRequest.Kind.OK;
        };
    }

    private static java.time.Duration max(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
