package io.sluice.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ObjectKeysTests {

    @ParameterizedTest
    @ValueSource(strings = {"../secret", "datasets/../../x", "/etc/passwd", "a//b", "a/./b", "nul\0byte", "back\\slash", "tab\there", ".."})
    void rejectsKeysThatCouldEscapeTheirBucket(String key) {
        assertThatThrownBy(() -> ObjectKeys.requireSafe(key)).isInstanceOf(InvalidObjectKeyException.class)
                .hasMessageStartingWith("invalid object key");
    }

    @Test
    void rejectsEmptyAndOverlongKeys() {
        assertThatThrownBy(() -> ObjectKeys.requireSafe("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ObjectKeys.requireSafe(null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> ObjectKeys.requireSafe("k".repeat(1025))).hasMessageContaining("1024");
    }

    @Test
    void acceptsOrdinaryKeysIncludingSpacesAndUnicode() {
        assertThat(ObjectKeys.requireSafe("datasets/asl/A/img 001.png")).isEqualTo("datasets/asl/A/img 001.png");
        assertThat(ObjectKeys.requireSafe("datasets/ñandú/…x.png")).isNotNull();
        assertThat(ObjectKeys.requireSafe("datasets/asl/")).isNotNull();
    }

    @Test
    void resolvesKeysUnderAPrefixWithPercentEncoding() {
        URI object = ObjectKeys.resolve(URI.create("gs://raw-bucket/"), "datasets/asl/A/img 001.png");

        assertThat(object.toString()).isEqualTo("gs://raw-bucket/datasets/asl/A/img%20001.png");
        assertThat(object.getAuthority()).isEqualTo("raw-bucket");
        assertThat(ObjectKeys.relativize(URI.create("gs://raw-bucket/datasets/"), object)).isEqualTo("asl/A/img 001.png");
        assertThatThrownBy(() -> ObjectKeys.relativize(URI.create("gs://other/datasets/"), object))
                .isInstanceOf(InvalidObjectKeyException.class);
        assertThatThrownBy(() -> ObjectKeys.resolve(URI.create("gs://raw-bucket"), "x")).hasMessageContaining("must end with '/'");
    }
}
