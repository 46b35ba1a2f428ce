package io.sluice.ingest.messaging;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;

import io.sluice.events.DatasetLayout;
import io.sluice.events.DatasetReady;
import io.sluice.events.DatasetRejected;
import io.sluice.events.Severity;
import io.sluice.events.SplitCounts;
import io.sluice.events.ValidationIssue;
import io.sluice.ingest.domain.Assembly;
import io.sluice.ingest.domain.DatasetPublisher;
import io.sluice.ingest.domain.Issue;
import io.sluice.ingest.domain.ValidationReport;
import io.sluice.platform.datasets.Split;
import io.sluice.platform.events.EventHeaders;

/**
 * Publishes dataset outcomes on the {@value #BINDING} binding (topic in YAML), keyed by dataset
 * name, with correlation id {@code <name>@<version>}; the producer is synchronous, so a send that
 * fails throws and the version is retried.
 */
public final class KafkaDatasetPublisher implements DatasetPublisher {

    static final String BINDING = "datasets-out-0";
    /** Findings per rule carried in an event; the rest are counted and listed in the report. */
    static final int ISSUES_PER_RULE = 20;

    private final StreamBridge bridge;
    private final EventHeaders headers;

    public KafkaDatasetPublisher(StreamBridge bridge, EventHeaders headers) {
        this.bridge = bridge;
        this.headers = headers;
    }

    @Override
    public void ready(Assembly assembly, URI manifestUri) {
        send(assembly.name(), toReady(assembly, manifestUri, headers));
    }

    @Override
    public void rejected(Assembly assembly, URI reportUri) {
        send(assembly.name(), toRejected(assembly, reportUri, headers));
    }

    private void send(String key, Object event) {
        if (!bridge.send(BINDING, MessageBuilder.withPayload(event).setHeader(KafkaHeaders.KEY, key).build())) {
            throw new IllegalStateException("could not publish " + event.getClass().getSimpleName() + " for dataset " + key);
        }
    }

    static DatasetReady toReady(Assembly assembly, URI manifestUri, EventHeaders headers) {
        var manifest = assembly.manifest();
        Map<Split, Long> splits = manifest.splitCounts();
        return DatasetReady.newBuilder()
                .setHeader(headers.start(assembly.correlationId()))
                .setDatasetName(assembly.name())
                .setDatasetVersion(assembly.version())
                .setLayout(layout(assembly.layout()))
                .setRawUri(assembly.rawUri())
                .setManifestUri(manifestUri.toString())
                .setSampleCount(assembly.sampleCount())
                .setClassNames(manifest.classNames())
                .setClassCounts(Map.copyOf(assembly.classCounts()))
                .setSplitCounts(new SplitCounts(splits.get(Split.TRAIN).intValue(), splits.get(Split.VALIDATION).intValue(),
                        splits.get(Split.TEST).intValue()))
                .setInputShape(manifest.inputShape())
                .setFeatureNames(manifest.featureNames())
                .setLabelColumn(manifest.labelColumn())
                .setWarnings(issues(assembly.warnings()))
                .build();
    }

    static DatasetRejected toRejected(Assembly assembly, URI reportUri, EventHeaders headers) {
        return DatasetRejected.newBuilder()
                .setHeader(headers.start(assembly.correlationId()))
                .setDatasetName(assembly.name())
                .setDatasetVersion(assembly.version())
                .setLayout(layout(assembly.layout()))
                .setRawUri(assembly.rawUri())
                .setSampleCount(assembly.sampleCount())
                .setIssues(issues(assembly.issues()))
                .setReportUri(reportUri.toString())
                .build();
    }

    private static List<ValidationIssue> issues(List<Issue> issues) {
        return ValidationReport.summarise(issues, ISSUES_PER_RULE).stream()
                .map(i -> new ValidationIssue(i.rule(), i.severity() == Issue.Severity.ERROR ? Severity.ERROR : Severity.WARNING,
                        i.path(), i.message()))
                .toList();
    }

    private static DatasetLayout layout(Assembly.Layout layout) {
        return switch (layout) {
            case IMAGE_FOLDER -> DatasetLayout.IMAGE_FOLDER;
            case CSV -> DatasetLayout.CSV;
            case UNKNOWN -> DatasetLayout.UNKNOWN;
        };
    }
}
