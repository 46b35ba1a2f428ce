package io.sluice.ingest.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Which notifications are about dataset objects of the raw bucket. */
class RawBucketTests {

    @Test
    void locatesDatasetObjectsOfACloudBucketWithAPrefix() {
        RawBucket raw = new RawBucket(URI.create("gs://sluice-prod-raw-data/uploads/"));

        assertThat(raw.name()).isEqualTo("sluice-prod-raw-data");
        assertThat(raw.locate("sluice-prod-raw-data", "uploads/datasets/asl/A/img 001.png"))
                .contains(new RawBucket.DatasetObject("asl", "A/img 001.png"));
        assertThat(raw.locate("sluice-prod-raw-data", "uploads/datasets/asl/_SUCCESS").orElseThrow().isCompletionMarker()).isTrue();
        assertThat(raw.locate("sluice-prod-raw-data", "uploads/datasets/asl/A/_SUCCESS").orElseThrow().isCompletionMarker()).isFalse();
        assertThat(raw.datasetPrefix("asl")).isEqualTo(URI.create("gs://sluice-prod-raw-data/uploads/datasets/asl/"));
    }

    @Test
    void ignoresOtherBucketsOtherFoldersAndUnsafeKeys() {
        RawBucket raw = new RawBucket(URI.create("file:/tmp/buckets/sluice-local-raw-data/"));

        assertThat(raw.name()).isEqualTo("sluice-local-raw-data");
        assertThat(raw.locate("other", "datasets/asl/a.png")).isEmpty();
        assertThat(raw.locate("sluice-local-raw-data", "models/asl/a.png")).isEmpty();
        assertThat(raw.locate("sluice-local-raw-data", "datasets/asl/")).isEmpty();
        assertThat(raw.locate("sluice-local-raw-data", "datasets/../etc/passwd")).isEmpty();
        assertThat(raw.locate("sluice-local-raw-data", "datasets/.hidden/a.png")).isEmpty();
        assertThat(raw.locate("sluice-local-raw-data", "datasets/asl/../../x")).isEmpty();
    }
}
