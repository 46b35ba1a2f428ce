package io.sluice.console;

import java.nio.file.Path;
import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.console.domain.ConsoleState;
import io.sluice.console.kafka.EventFeed;
import io.sluice.events.codec.EventCodec;
import io.sluice.platform.kafka.KafkaClients;
import io.sluice.console.web.ConsoleTokens;
import io.sluice.console.web.EventStreams;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.SecurityProperties;
import io.sluice.platform.security.SessionTokens;

/** Builds the console's state, its Kafka reader, the browsers' event streams and the keys and sessions of sign-in. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

    @Bean
    ConsoleState consoleState(ConsoleProperties properties) {
        return new ConsoleState(properties.recentEvents(), properties.runs());
    }

    @Bean
    EventFeed eventFeed(KafkaClients clients, EventCodec codec, ConsoleState state) {
        return new EventFeed(clients, codec, state);
    }

    @Bean
    EventStreams eventStreams(ConsoleState state) {
        return new EventStreams(state);
    }

    /** Platform's keys, with the admin token also read from {@code <data dir>/admin-token} when the environment has none. */
    @Bean
    ApiKeys apiKeys(SecurityProperties security, @Value("${sluice.data-dir}") Path dataDir) {
        return new ApiKeys(security.keys(), ConsoleTokens.adminToken(security.adminToken(), dataDir), security.keysFile(),
                security.reloadInterval(), Clock.systemUTC());
    }

    /** Sessions signed with the secret the other services verify (derived from the same admin token by default). */
    @Bean
    SessionTokens sessionTokens(SecurityProperties security, @Value("${sluice.data-dir}") Path dataDir) {
        return new SessionTokens(SessionTokens.secret(security.sessionSecret(), ConsoleTokens.adminToken(security.adminToken(), dataDir)),
                Clock.systemUTC());
    }
}
