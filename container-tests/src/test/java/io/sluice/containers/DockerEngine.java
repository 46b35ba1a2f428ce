package io.sluice.containers;

import java.util.List;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a container test only where a Docker engine answers, and says why otherwise; where one answers,
 * the images of deploy/images/build.sh must exist (a missing image fails, it never skips).
 */
final class DockerEngine implements ExecutionCondition {

    static final String SKIPPED = "no Docker engine reachable (DOCKER_HOST or /var/run/docker.sock): container tests skipped; "
            + "start one (see deploy/README.md) and build the images with deploy/images/build.sh";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker engine " + DockerClientFactory.instance().getActiveApiVersion());
        }
        System.err.println("container-tests: " + SKIPPED);
        return ConditionEvaluationResult.disabled(SKIPPED);
    }

    /** Fails unless every image is present locally (nothing can be pulled: they come from deploy/images/build.sh). */
    static void requireImages(List<String> images) {
        var client = DockerClientFactory.instance().client();
        for (String image : images) {
            try {
                client.inspectImageCmd(image).exec();
            } catch (RuntimeException missing) {
                throw new AssertionError("image " + image + " is missing: build it with deploy/images/build.sh "
                        + "(./mvnw -B verify does, in container-tests' pre-integration-test phase)", missing);
            }
        }
    }
}
