package io.sluice.console;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.console.domain.ConsoleState;
import io.sluice.console.kafka.EventFeed;
import io.sluice.console.web.ConsoleTokens;
import io.sluice.console.web.EventStreams;
import io.sluice.console.web.Role;
import io.sluice.console.web.Sessions;

/** Builds the console's state, its Kafka reader, the browsers' event streams and sign-in. */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

    @Bean
    ConsoleState consoleState(ConsoleProperties properties) {
        return new ConsoleState(properties.recentEvents(), properties.runs());
    }

    @Bean
    EventFeed eventFeed(@Value("${spring.kafka.bootstrap-servers}") String bootstrapServers, ConsoleState state) {
        return new EventFeed(bootstrapServers, state);
    }

    @Bean
    EventStreams eventStreams(ConsoleState state) {
        return new EventStreams(state);
    }

    @Bean
    ConsoleTokens consoleTokens(ConsoleProperties properties, @Value("${sluice.data-dir}") Path dataDir) {
        return ConsoleTokens.resolve(properties.adminToken(), properties.writerToken(), properties.viewerToken(), dataDir);
    }

    @Bean
    Sessions sessions(ConsoleTokens tokens, ConsoleProperties properties) {
        return new Sessions(Map.of(Role.ADMIN, tokens.admin(), Role.WRITER, tokens.writer(), Role.VIEWER, tokens.viewer()),
                properties.anonymousRole());
    }
}
