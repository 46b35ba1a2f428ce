package io.sluice.monitoring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.sluice.monitoring.domain.CanaryAnalyzer;
import io.sluice.monitoring.domain.DriftDetector;
import io.sluice.monitoring.domain.MonitoringBoard;
import io.sluice.monitoring.domain.MonitoringMemory;

/** Builds the domain objects from the properties and turns on the analysis schedules. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class MonitoringConfiguration {

    @Bean
    CanaryAnalyzer canaryAnalyzer(MonitoringProperties properties) {
        return new CanaryAnalyzer(properties.canaryPolicy());
    }

    @Bean
    MonitoringMemory monitoringMemory(MonitoringProperties properties) {
        return new MonitoringMemory(properties.inconclusiveEvery(), properties.drift().retrainCooldown());
    }

    @Bean
    MonitoringBoard monitoringBoard() {
        return new MonitoringBoard();
    }

    @Bean
    DriftDetector driftDetector(MonitoringProperties properties) {
        return new DriftDetector(properties.driftPolicy());
    }
}
