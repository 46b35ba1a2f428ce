package io.sluice.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of {@code ./sluice up}.
 *
 * @param home          the repository (where the service jars are built)
 * @param dataDir       buckets, Kafka logs, service logs, admin token and {@code stack.json} (absolute)
 * @param kafkaPort     the first broker's client port; its controller takes the next, further brokers the pairs after
 * @param only          the services to start (empty: all)
 * @param brokerOnly    Kafka alone, no services
 * @param healthTimeout how long to wait for every service to report UP
 * @param portOffset    added to every service's HTTP port (0: the README's ports), so a second stack can run beside one
 * @param serviceArgs   per module (or {@code *} for all): extra {@code --property=value} arguments, the highest-precedence
 *                      Spring configuration (used by tests and demos for short windows and tiny epochs)
 * @param brokers       KRaft nodes (1, or 3 for a cluster that survives one node down)
 * @param replicas      instances of every service; replica r serves on its port + 100 (r - 1)
 * @param registry      registry mode: a schema registry beside the broker, every service writing Confluent framing through it
 */
record UpOptions(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout,
                 int portOffset, Map<String, List<String>> serviceArgs, int brokers, int replicas, boolean registry) {

    UpOptions {
        only = List.copyOf(only);
        serviceArgs = Map.copyOf(serviceArgs);
        if (brokers < 1 || brokers > 9) {
            throw new UsageException("--brokers takes 1 to 9, got " + brokers);
        }
        if (replicas < 1 || replicas > 9) {
            throw new UsageException("--replicas takes 1 to 9, got " + replicas);
        }
        for (String module : only) {
            Service.named(module); // refuses an unknown name
        }
    }

    UpOptions(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout,
              int portOffset, Map<String, List<String>> serviceArgs, int brokers, int replicas) {
        this(home, dataDir, kafkaPort, only, brokerOnly, healthTimeout, portOffset, serviceArgs, brokers, replicas, false);
    }

    UpOptions(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout,
              int portOffset, Map<String, List<String>> serviceArgs) {
        this(home, dataDir, kafkaPort, only, brokerOnly, healthTimeout, portOffset, serviceArgs, 1, 1);
    }

    UpOptions(Path home, Path dataDir, int kafkaPort, List<String> only, boolean brokerOnly, Duration healthTimeout) {
        this(home, dataDir, kafkaPort, only, brokerOnly, healthTimeout, 0, Map.of());
    }

    /** A usage error: its message (null for a plain --help) and the synopsis go to stderr. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            usage: ./sluice up [--data-dir DIR] [--kafka-port 9092] [--brokers 1|3] [--replicas N] [--only svc1,svc2]
                               [--broker-only] [--registry] [--health-timeout SECONDS] [--port-offset N]
                               [--set SERVICE:property=value]...
                   ./sluice demo [--fault] [--help]

              Starts Kafka on localhost:9092 and every Sluice service, with buckets, broker data and logs
              under the data directory (default ~/.sluice, or $SLUICE_DATA_DIR); restarts whatever exits,
              and stops all on Ctrl-C.
              --brokers 3 runs a 3-node KRaft cluster (ports 9092, 9094, 9096; topics replicated 3 times);
              --replicas N runs N instances of every service (replica r on its port + 100 (r-1));
              --only starts some services, using the Kafka that already runs for the data dir or port;
              --registry runs a schema registry (Apicurio, Java 21+) on :8087 beside Kafka, and every service
                writes events in Confluent framing through it (readers accept both formats);
              --port-offset adds N to every service port (and the registry's) (a second stack beside one on 8080-8087);
              --set passes --property=value to one service (SERVICE * for all), e.g.
              --set training-service:sluice.training.defaults.max-epochs=5
            """;

    /** The extra arguments of one service: those for every service, then its own. */
    List<String> argsOf(String module) {
        List<String> args = new ArrayList<>(serviceArgs.getOrDefault("*", List.of()));
        args.addAll(serviceArgs.getOrDefault(module, List.of()));
        return args;
    }

    /** The services to start. */
    List<Service> services() {
        return brokerOnly ? List.of() : Service.ALL.stream().filter(s -> only.isEmpty() || only.contains(s.module())).toList();
    }

    static UpOptions parse(String[] args) {
        Path home = Path.of(".").toAbsolutePath().normalize();
        Path dataDir = Path.of(System.getenv().getOrDefault("SLUICE_DATA_DIR", System.getProperty("user.home") + "/.sluice"));
        int kafkaPort = 9092;
        List<String> only = List.of();
        boolean brokerOnly = false;
        Duration timeout = Duration.ofSeconds(300);
        int portOffset = 0;
        int brokers = 1;
        int replicas = 1;
        boolean registry = false;
        Map<String, List<String>> serviceArgs = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--kafka-port" -> kafkaPort = Integer.parseInt(args[++i]);
                case "--brokers" -> brokers = Integer.parseInt(args[++i]);
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--broker-only" -> brokerOnly = true;
                case "--registry" -> registry = true;
                case "--health-timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--port-offset" -> portOffset = Integer.parseInt(args[++i]);
                case "--set" -> {
                    String setting = args[++i];
                    int colon = setting.indexOf(':');
                    if (colon < 1 || !setting.substring(colon + 1).contains("=")) {
                        throw new UsageException("--set takes SERVICE:property=value (SERVICE may be *), got " + setting);
                    }
                    serviceArgs.computeIfAbsent(setting.substring(0, colon), k -> new ArrayList<>())
                            .add("--" + setting.substring(colon + 1));
                }
                case "-h", "--help" -> throw new UsageException(null);
                default -> throw new UsageException("unknown option " + args[i]);
            }
        }
        try {
            return new UpOptions(home, dataDir.toAbsolutePath().normalize(), kafkaPort, only, brokerOnly, timeout, portOffset,
                    serviceArgs, brokers, replicas, registry);
        } catch (IllegalArgumentException unknownService) {
            throw new UsageException(unknownService.getMessage() + "; --only takes names among "
                    + Service.ALL.stream().map(Service::module).toList());
        }
    }
}
