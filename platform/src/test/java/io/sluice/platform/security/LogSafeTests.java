package io.sluice.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LogSafeTests {

    @Test
    void escapesLineBreaksAndNulSoNoLineCanBeForged() {
        assertThat(LogSafe.text("datasets/a\n2026-12-04 INFO forged\u0000.png")).isEqualTo("datasets/a\\n2026-12-04 INFO forged\\u0000.png");
        assertThat(LogSafe.text("plain/key.png")).isEqualTo("plain/key.png");
        assertThat(LogSafe.text(null)).isEqualTo("null");
    }

    @Test
    void cutsLongText() {
        assertThat(LogSafe.text("x".repeat(2000))).startsWith("x".repeat(LogSafe.MAX)).endsWith("…(2000 chars)");
    }

    @Property(tries = 1000)
    void neverLetsAControlCharacterThrough(@ForAll String text) {
        String safe = LogSafe.text(text);
        assertThat(safe.chars().noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')).isTrue();
    }
}
