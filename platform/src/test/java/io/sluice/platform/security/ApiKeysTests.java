package io.sluice.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ApiKeysTests {

    @Test
    void holdsDigestsAndNamesTheCaller() {
        ApiKeys keys = new ApiKeys(ApiKeys.entryFor("shop", Role.CLIENT, "k1") + "," + ApiKeys.entryFor("ops", Role.WRITER, "k2"),
                "local", null, Duration.ZERO, Clock.systemUTC());
        assertThat(keys.authenticate("k1")).contains(new Caller("shop", Role.CLIENT, null));
        assertThat(keys.authenticate(" k2 ")).contains(new Caller("ops", Role.WRITER, null));
        assertThat(keys.authenticate("local")).contains(new Caller("admin", Role.ADMIN, null));
        assertThat(keys.authenticate("k3")).isEmpty();
        assertThat(keys.hasClientKeys()).isTrue();
    }

    @Test
    void skipsMalformedEntries() {
        ApiKeys keys = new ApiKeys("plain-key,ops:root:" + "a".repeat(64) + ",bad name:viewer:" + "a".repeat(64), "", null,
                Duration.ZERO, Clock.systemUTC());
        assertThat(keys.isEmpty()).isTrue();
    }

    @Property(tries = 1000)
    void neverThrowsOnAnyEntryText(@ForAll String entries, @ForAll String presented) {
        ApiKeys keys = new ApiKeys(entries, "", null, Duration.ZERO, Clock.systemUTC());
        assertThat(keys.authenticate(presented)).isEmpty();
    }

    @Test
    void rolesIncludeTheRolesBelowThem() {
        assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
        assertThat(Role.ADMIN.includes(Role.WEBHOOK)).isTrue();
        assertThat(Role.WRITER.includes(Role.CLIENT)).isTrue();
        assertThat(Role.VIEWER.includes(Role.WRITER)).isFalse();
        assertThat(Role.CLIENT.includes(Role.VIEWER)).isFalse();
        assertThat(Role.WEBHOOK.includes(Role.VIEWER)).isFalse();
    }
}
