package io.sluice.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SessionTokensTests {

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T17:00:00Z"), ZoneOffset.UTC);
    private final SessionTokens tokens = new SessionTokens(SessionTokens.secret("", "admin-token"), clock);

    @Test
    void verifiesWhatItIssuedUntilItExpires() {
        String session = tokens.issue(new Caller("alice", Role.ADMIN, null), Duration.ofMinutes(10), null);
        assertThat(tokens.verify(session)).contains(new Caller("alice", Role.ADMIN, null));
        SessionTokens later = new SessionTokens(SessionTokens.secret("", "admin-token"), Clock.offset(clock, Duration.ofMinutes(11)));
        assertThat(later.verify(session)).isEmpty();
    }

    @Test
    void refusesSessionsSignedWithAnotherSecret() {
        String session = new SessionTokens("other", clock).issue(new Caller("mallory", Role.ADMIN, null), Duration.ofMinutes(10), null);
        assertThat(tokens.verify(session)).isEmpty();
        assertThat(new SessionTokens(null, clock).enabled()).isFalse();
    }

    @Property(tries = 1000)
    void neverThrowsOnAnyPresentedText(@ForAll String presented) {
        assertThat(tokens.verify(SessionTokens.PREFIX + presented)).isEmpty();
    }
}
