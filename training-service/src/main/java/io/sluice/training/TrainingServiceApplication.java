package io.sluice.training;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Trains classifiers with DJL locally, or on Vertex AI / ModelArts. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainingServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(TrainingServiceApplication.class, args);
    }
}
