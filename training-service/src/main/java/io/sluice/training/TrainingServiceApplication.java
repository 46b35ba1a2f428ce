package io.sluice.training;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Trains classifiers with DJL locally, or on Vertex AI / ModelArts. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainingServiceApplication {

    /** Starts the service, or with {@code train …} runs one training as a command and exits (what cloud jobs run). */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("train")) {
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            System.exit(io.sluice.training.command.TrainCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(TrainingServiceApplication.class, args);
    }
}
