package io.sluice.containers;

/** Names of the images deploy/images/build.sh makes (its tag defaults to the project version). */
final class Images {

    static final String VERSION = System.getProperty("sluice.version", "0.1.0-SNAPSHOT");
    static final String KAFKA = "sluice/kafka:" + System.getProperty("sluice.kafka.version", "4.1.2");

    private Images() {
    }

    static String service(String module) {
        return "sluice/" + module + ":" + VERSION;
    }
}
