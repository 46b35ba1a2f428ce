package io.sluice.inference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Serves models with DJL behind the Open Inference Protocol, with weighted routing. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(InferenceServiceApplication.class, args);
    }
}
