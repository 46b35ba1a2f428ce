package io.sluice.containers;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import io.sluice.platform.events.SluiceTopics;

/**
 * Reads deploy/k8s as the API server would (typed Kubernetes models: a wrong type fails, an unknown field is
 * reported) and lists every way the manifests disagree with the services: settings that bind to nothing,
 * ports, probes and images, state on throw-away volumes, update strategies, disruption budgets, GPU
 * scheduling, the console's links, the Ingress and the topic-creation Job. Empty when they agree.
 */
final class ManifestChecks {

    static final String GPU = "nvidia.com/gpu";
    /**
     * State that must outlive a pod, per service: the variable that places it, and the bucket it defaults to
     * (training: the run journal and checkpoints, {@code sluice.training.state}, default {@code ${sluice.buckets.staging}training/}).
     */
    static final Map<String, Map<String, String>> DURABLE_STATE = Map.of(
            "training-service", Map.of("SLUICE_TRAINING_STATE", "SLUICE_BUCKETS_STAGING"));
    private static final String DATA_DIR = "/data";

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class), Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/ConfigMap", ConfigMap.class), Map.entry("v1/Service", Service.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class), Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class), Map.entry("batch/v1/Job", Job.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Settings that take API keys in plain (hashed on start): fine locally, never in the cluster. */
    static final List<String> PLAIN_KEYS = List.of("SLUICE_ADMIN_TOKEN", "SLUICE_INGEST_WEBHOOKS_TOKEN", "SLUICE_INFERENCE_API_KEYS");

    private final Map<String, ServiceSettings> services;
    private final String version;
    private final String kafkaVersion;
    private final List<String> problems = new ArrayList<>();
    private final List<HasMetadata> resources = new ArrayList<>();

    ManifestChecks(Map<String, ServiceSettings> services, String version, String kafkaVersion) {
        this.services = services;
        this.version = version;
        this.kafkaVersion = kafkaVersion;
    }

    /** The manifests of a folder, by file name. */
    static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".sh")).sorted().toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    List<String> check(Map<String, String> files) throws IOException {
        load(files);
        Map<String, ConfigMap> configMaps = byName(ConfigMap.class);
        Map<String, Service> kubeServices = byName(Service.class);
        for (Deployment deployment : byName(Deployment.class).values()) {
            String name = deployment.getMetadata().getName();
            ServiceSettings settings = services.get(name);
            if (settings == null) {
                problems.add("Deployment " + name + ": no Sluice service of that name");
                continue;
            }
            checkDeployment(deployment, settings, configMaps, kubeServices);
        }
        for (String module : services.keySet()) {
            if (!byName(Deployment.class).containsKey(module)) {
                problems.add("no Deployment for " + module);
            }
        }
        checkIngress(kubeServices);
        checkTopicsJob(configMaps);
        return problems;
    }

    private void load(Map<String, String> files) throws IOException {
        Set<String> listed = new TreeSet<>();
        for (var file : files.entrySet()) {
            if (file.getKey().equals("kustomization.yaml")) {
                JsonNode kustomization = YAML.readTree(file.getValue());
                kustomization.path("resources").forEach(r -> listed.add(r.asText()));
                for (JsonNode generator : kustomization.path("configMapGenerator")) {
                    Map<String, String> data = new LinkedHashMap<>();
                    for (JsonNode source : generator.path("files")) {
                        String content = files.get(source.asText());
                        if (content == null) {
                            problems.add("kustomization.yaml: configMapGenerator " + generator.path("name").asText() + " names "
                                    + source.asText() + ", which is not in the folder");
                        } else {
                            data.put(source.asText(), content);
                        }
                    }
                    ConfigMap generated = new ConfigMap();
                    generated.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                            .withName(generator.path("name").asText()).withNamespace(generator.path("namespace").asText()).build());
                    generated.setData(data);
                    resources.add(generated);
                }
                continue;
            }
            if (!file.getKey().endsWith(".yaml")) {
                continue;
            }
            for (JsonNode document : YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.getValue()).readAll()) {
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(kind);
                if (type == null) {
                    problems.add(file.getKey() + ": kind " + kind + " is not one these manifests are checked as");
                    continue;
                }
                quantitiesAsText(document);
                try {
                    HasMetadata resource = YAML.treeToValue(document, type);
                    unknownFields(file.getKey() + ": " + kind + " " + resource.getMetadata().getName(), resource, "");
                    if (!"Namespace".equals(resource.getKind()) && !"sluice".equals(resource.getMetadata().getNamespace())) {
                        problems.add(file.getKey() + ": " + kind + " " + resource.getMetadata().getName() + " is not in namespace sluice");
                    }
                    resources.add(resource);
                } catch (IOException | IllegalArgumentException e) {
                    problems.add(file.getKey() + ": not a valid " + kind + ": " + e.getMessage());
                }
            }
        }
        Set<String> manifests = new TreeSet<>(files.keySet().stream().filter(f -> f.endsWith(".yaml")).toList());
        manifests.remove("kustomization.yaml");
        if (!listed.equals(manifests)) {
            problems.add("kustomization.yaml lists " + listed + " but the folder holds " + manifests);
        }
    }

    /** The API takes a quantity as a number or a string ({@code nvidia.com/gpu: 1}); the model only reads strings. */
    private static void quantitiesAsText(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            for (String field : iterable(object.fieldNames())) {
                JsonNode value = object.get(field);
                if ((field.equals("limits") || field.equals("requests")) && value.isObject()) {
                    var quantities = (com.fasterxml.jackson.databind.node.ObjectNode) value;
                    for (String resource : iterable(quantities.fieldNames())) {
                        if (quantities.get(resource).isNumber()) {
                            quantities.put(resource, quantities.get(resource).asText());
                        }
                    }
                }
                quantitiesAsText(value);
            }
        } else if (node != null && node.isArray()) {
            node.forEach(ManifestChecks::quantitiesAsText);
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }

    /** Fields the API type does not have land in the models' additional properties: each one is a problem. */
    private void unknownFields(String where, Object model, String path) {
        if (model == null) {
            return;
        }
        if (model instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(where, item, path + "[" + i++ + "]");
            }
            return;
        }
        if (model instanceof Map<?, ?> map) {
            map.forEach((key, value) -> unknownFields(where, value, path + "." + key));
            return;
        }
        if (!model.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = getter.invoke(model);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "the top" : path));
                    }
                } else if (!(value instanceof IntOrString) && !(value instanceof Quantity)) {
                    unknownFields(where, value, path + "." + decapitalize(getter.getName().substring(3)));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void checkDeployment(Deployment deployment, ServiceSettings settings, Map<String, ConfigMap> configMaps,
                                 Map<String, Service> kubeServices) {
        String name = settings.module;
        String where = "Deployment " + name;
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Container container = pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
        if (container == null) {
            problems.add(where + ": no container named " + name);
            return;
        }
        // the environment: every variable must bind to a setting of this service
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (from.getSecretRef() != null) {
                problems.add(where + ": envFrom secret " + from.getSecretRef().getName() + " hides which variables it sets; "
                        + "name each key in env (secretKeyRef) so it can be checked");
            }
            if (from.getConfigMapRef() != null) {
                ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
                if (map == null) {
                    problems.add(where + ": envFrom names ConfigMap " + from.getConfigMapRef().getName() + ", which is not defined");
                } else {
                    env.putAll(map.getData());
                }
            }
        }
        for (EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
            env.put(variable.getName(), variable.getValue() == null ? "(from " + describe(variable) + ")" : variable.getValue());
        }
        for (String variable : new TreeSet<>(env.keySet())) {
            if (!settings.binds(variable)) {
                problems.add(where + ": environment variable " + variable + " binds to no configuration property of " + name);
            }
        }
        for (var bucket : env.entrySet()) {
            if (bucket.getKey().startsWith("SLUICE_BUCKETS_") && bucket.getValue().startsWith("gs://")
                    && !"true".equals(env.get("SLUICE_STORAGE_GCS_ENABLED"))) {
                problems.add(where + ": " + bucket.getKey() + " is a gs:// bucket but SLUICE_STORAGE_GCS_ENABLED is not \"true\" "
                        + "(the GCS store is then never registered)");
            }
            if (bucket.getKey().startsWith("SLUICE_BUCKETS_") && bucket.getValue().startsWith("obs://")
                    && env.getOrDefault("SLUICE_STORAGE_OBS_ENDPOINT", "").isBlank()) {
                problems.add(where + ": " + bucket.getKey() + " is an obs:// bucket but SLUICE_STORAGE_OBS_ENDPOINT is not set");
            }
        }
        checkApiKeys(where, env, container, pod);
        // image, port, probes
        String image = container.getImage();
        boolean gpu = limit(container, GPU) > 0;
        String expected = "sluice/" + name + ":" + version + (gpu ? "-cuda" : "");
        if (!image.equals(expected)) {
            problems.add(where + ": image " + image + ", expected " + expected
                    + (gpu ? " (a GPU pod needs the CUDA image: deploy/images/build.sh --cuda)" : " (deploy/images/build.sh builds it)"));
        }
        List<ContainerPort> ports = Optional.ofNullable(container.getPorts()).orElse(List.of());
        if (ports.stream().noneMatch(p -> p.getContainerPort() == settings.port)) {
            problems.add(where + ": no containerPort " + settings.port + " (server.port of " + name + ")");
        }
        Map<String, String> annotations = Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).orElse(Map.of());
        if (annotations.containsKey("prometheus.io/port") && !annotations.get("prometheus.io/port").equals(String.valueOf(settings.port))) {
            problems.add(where + ": prometheus.io/port " + annotations.get("prometheus.io/port") + " is not the service's port " + settings.port);
        }
        probe(where + " liveness", container.getLivenessProbe(), "/actuator/health/liveness", ports, settings.port);
        probe(where + " readiness", container.getReadinessProbe(), "/actuator/health/readiness", ports, settings.port);
        if (container.getStartupProbe() != null) {
            probe(where + " startup", container.getStartupProbe(), "/actuator/health/liveness", ports, settings.port);
        }
        // GPU scheduling
        if (gpu) {
            boolean selected = pod.getNodeSelector() != null && !pod.getNodeSelector().isEmpty()
                    || pod.getAffinity() != null && pod.getAffinity().getNodeAffinity() != null;
            if (!selected) {
                problems.add(where + ": requests a GPU but selects no GPU nodes (nodeSelector or node affinity)");
            }
            if (Optional.ofNullable(pod.getTolerations()).orElse(List.of()).stream().noneMatch(t -> GPU.equals(t.getKey()))) {
                problems.add(where + ": requests a GPU but does not tolerate the " + GPU + " taint of GPU nodes");
            }
        } else if (image.endsWith("-cuda")) {
            problems.add(where + ": runs the CUDA image without requesting a GPU (" + GPU + " limit)");
        }
        // state that must outlive the pod: in an object store, or on a claim when it is under the data directory
        for (var state : DURABLE_STATE.getOrDefault(name, Map.of()).entrySet()) {
            String location = env.containsKey(state.getKey()) ? env.get(state.getKey()) : env.getOrDefault(state.getValue(), "");
            if (location.startsWith("gs://") || location.startsWith("obs://")) {
                continue;
            }
            String dataDir = env.getOrDefault("SLUICE_DATA_DIR", DATA_DIR);
            Optional<VolumeMount> mount = Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
                    .filter(m -> dataDir.equals(m.getMountPath())).findFirst();
            Optional<Volume> volume = mount.flatMap(m -> pod.getVolumes().stream().filter(v -> v.getName().equals(m.getName())).findFirst());
            if (volume.isEmpty() || volume.get().getPersistentVolumeClaim() == null) {
                problems.add(where + ": keeps its state (" + state.getKey() + ", default from " + state.getValue() + " = "
                        + (location.isEmpty() ? "the local buckets" : location) + ") under " + dataDir + ", which is "
                        + volume.map(v -> v.getEmptyDir() != null ? "an emptyDir" : "not a PersistentVolumeClaim").orElse("not a volume")
                        + ": put it in a gs:// or obs:// bucket, or on a PersistentVolumeClaim");
            } else if (!byName(PersistentVolumeClaim.class).containsKey(volume.get().getPersistentVolumeClaim().getClaimName())) {
                problems.add(where + ": PersistentVolumeClaim " + volume.get().getPersistentVolumeClaim().getClaimName() + " is not defined");
            }
        }
        // replicas and update strategy
        int replicas = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
        String strategy = deployment.getSpec().getStrategy() == null ? "RollingUpdate" : deployment.getSpec().getStrategy().getType();
        // every service keeps one owner per key itself (issue 13): a rollout replaces pods one at a time, never all at once
        if (!"RollingUpdate".equals(strategy)) {
            problems.add(where + ": strategy " + strategy + ": every replica stops at once on a rollout (use RollingUpdate)");
        }
        int replication = number(env, "SLUICE_KAFKA_REPLICATION_FACTOR", 1);
        int minInsync = number(env, "SLUICE_KAFKA_MIN_INSYNC_REPLICAS", 1);
        if (replication < 3 || minInsync < 2 || minInsync >= replication) {
            problems.add(where + ": creates missing topics with replication " + replication + " and min.insync.replicas " + minInsync
                    + " (SLUICE_KAFKA_REPLICATION_FACTOR, SLUICE_KAFKA_MIN_INSYNC_REPLICAS): needs 3 or more, and 2 <= min.insync.replicas < replication");
        }
        checkDisruptionBudget(where, labels, replicas);
        // the Service in front of it
        List<Service> fronts = kubeServices.values().stream().filter(s -> selects(s.getSpec().getSelector(), labels)).toList();
        if (fronts.isEmpty()) {
            problems.add(where + ": no Service selects its pods");
        }
        for (Service front : fronts) {
            for (ServicePort port : front.getSpec().getPorts()) {
                if (!targets(port.getTargetPort(), ports)) {
                    problems.add("Service " + front.getMetadata().getName() + ": targetPort " + port.getTargetPort() + " is no port of " + name);
                }
            }
        }
        if (name.equals("console")) {
            checkConsoleLinks(env, kubeServices, configMaps);
        }
    }

    /** Plain API keys stay out of the cluster: keys are hashed in a secret file that a secret volume provides. */
    private void checkApiKeys(String where, Map<String, String> env, Container container, PodSpec pod) {
        for (String plain : PLAIN_KEYS) {
            if (env.containsKey(plain)) {
                problems.add(where + ": " + plain + " is a plain API key; put its SHA-256 in the key file (SLUICE_SECURITY_KEYS_FILE)");
            }
        }
        String file = env.get("SLUICE_SECURITY_KEYS_FILE");
        if (file == null) {
            problems.add(where + ": configures no API keys (SLUICE_SECURITY_KEYS_FILE): only its health and metrics would answer");
            return;
        }
        boolean provided = Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
                .filter(m -> file.startsWith(m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/"))
                .anyMatch(m -> Optional.ofNullable(pod.getVolumes()).orElse(List.of()).stream()
                        .anyMatch(v -> v.getName().equals(m.getName()) && v.getSecret() != null));
        if (!provided) {
            problems.add(where + ": reads its API keys from " + file + ", which no secret volume provides");
        }
    }

    private void checkConsoleLinks(Map<String, String> env, Map<String, Service> kubeServices, Map<String, ConfigMap> configMaps) {
        link(env, "SLUICE_DEPLOYMENT_URL", "deployment-service", kubeServices);
        link(env, "SLUICE_INFERENCE_URL", "inference-service", kubeServices);
        Deployment inference = byName(Deployment.class).get("inference-service");
        // client keys are on in inference when it reads the key file (where the console's client key is hashed)
        boolean keysOn = inference != null && inference.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> java.util.stream.Stream.concat(Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().map(EnvVar::getName),
                        Optional.ofNullable(c.getEnvFrom()).orElse(List.of()).stream().filter(f -> f.getConfigMapRef() != null)
                                .map(f -> configMaps.get(f.getConfigMapRef().getName())).filter(java.util.Objects::nonNull)
                                .flatMap(m -> m.getData().keySet().stream())))
                .anyMatch(v -> v.equals("SLUICE_SECURITY_KEYS_FILE") || v.equals("SLUICE_API_KEYS"));
        if (keysOn && !env.containsKey("SLUICE_CONSOLE_INFERENCE_API_KEY")) {
            problems.add("Deployment console: inference requires API keys but the console has none "
                    + "(SLUICE_CONSOLE_INFERENCE_API_KEY): its predict page would get 401");
        }
    }

    private void link(Map<String, String> env, String variable, String target, Map<String, Service> kubeServices) {
        String url = env.get(variable);
        if (url == null) {
            problems.add("Deployment console: " + variable + " is not set: the console would call localhost instead of " + target);
            return;
        }
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "" : uri.getHost().split("\\.")[0];
        int port = uri.getPort() < 0 ? ("https".equals(uri.getScheme()) ? 443 : 80) : uri.getPort();
        Service service = kubeServices.get(host);
        Deployment deployment = byName(Deployment.class).get(target);
        if (service == null || deployment == null
                || !selects(service.getSpec().getSelector(), deployment.getSpec().getTemplate().getMetadata().getLabels())) {
            problems.add("Deployment console: " + variable + "=" + url + " is not a Service of " + target);
        } else if (service.getSpec().getPorts().stream().noneMatch(p -> p.getPort() == port)) {
            problems.add("Deployment console: " + variable + "=" + url + " uses port " + port + ", which Service " + host + " does not expose");
        }
    }

    private void checkDisruptionBudget(String where, Map<String, String> labels, int replicas) {
        List<PodDisruptionBudget> budgets = byName(PodDisruptionBudget.class).values().stream()
                .filter(b -> b.getSpec().getSelector() != null && selects(b.getSpec().getSelector().getMatchLabels(), labels)).toList();
        if (budgets.size() != 1) {
            problems.add(where + ": " + budgets.size() + " PodDisruptionBudgets select its pods, expected one");
            return;
        }
        var spec = budgets.get(0).getSpec();
        if (spec.getMinAvailable() != null) {
            int min = spec.getMinAvailable().getIntVal() == null ? -1 : spec.getMinAvailable().getIntVal();
            if (min < 1 || min >= replicas) {
                problems.add(where + ": PodDisruptionBudget minAvailable " + spec.getMinAvailable() + " with " + replicas
                        + " replicas (must keep one up and still allow a node drain)");
            }
        } else if (spec.getMaxUnavailable() == null || Objects.equals(spec.getMaxUnavailable().getIntVal(), 0)) {
            problems.add(where + ": PodDisruptionBudget sets neither minAvailable nor a maxUnavailable above 0");
        }
    }

    private void checkIngress(Map<String, Service> kubeServices) {
        Set<String> exposed = new TreeSet<>();
        for (Ingress ingress : byName(Ingress.class).values()) {
            for (IngressRule rule : Optional.ofNullable(ingress.getSpec().getRules()).orElse(List.of())) {
                for (var path : rule.getHttp().getPaths()) {
                    IngressBackend backend = path.getBackend();
                    Service service = kubeServices.get(backend.getService().getName());
                    if (service == null) {
                        problems.add("Ingress " + ingress.getMetadata().getName() + ": no Service " + backend.getService().getName());
                        continue;
                    }
                    var port = backend.getService().getPort();
                    if (service.getSpec().getPorts().stream().noneMatch(p -> port.getName() != null ? port.getName().equals(p.getName())
                            : Objects.equals(port.getNumber(), p.getPort()))) {
                        problems.add("Ingress " + ingress.getMetadata().getName() + ": Service " + service.getMetadata().getName()
                                + " has no port " + port);
                    }
                    exposed.add(service.getMetadata().getName());
                }
            }
        }
        for (String required : List.of("console", "inference-service")) {
            if (!exposed.contains(required)) {
                problems.add("no Ingress routes to " + required);
            }
        }
    }

    private void checkTopicsJob(Map<String, ConfigMap> configMaps) {
        List<Job> jobs = byName(Job.class).values().stream().filter(j -> j.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> c.getImage().startsWith("sluice/kafka:"))).toList();
        if (jobs.isEmpty()) {
            problems.add("no Job creates the topics (sluice/kafka image)");
            return;
        }
        for (Job job : jobs) {
            Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            String where = "Job " + job.getMetadata().getName();
            if (!container.getImage().equals("sluice/kafka:" + kafkaVersion)) {
                problems.add(where + ": image " + container.getImage() + ", expected sluice/kafka:" + kafkaVersion);
            }
            Map<String, String> env = new HashMap<>();
            container.getEnv().forEach(v -> env.put(v.getName(), v.getValue()));
            int replication = Integer.parseInt(env.getOrDefault("REPLICATION", "1"));
            int minInsync = Integer.parseInt(env.getOrDefault("MIN_INSYNC_REPLICAS", "1"));
            if (replication < 3 || minInsync < 2 || minInsync >= replication) {
                problems.add(where + ": replication " + replication + " with min.insync.replicas " + minInsync
                        + " (needs 3 or more, and 2 <= min.insync.replicas < replication, to survive a broker loss)");
            }
            List<String> scripts = job.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
                    .map(v -> configMaps.get(v.getConfigMap().getName())).filter(Objects::nonNull)
                    .flatMap(m -> m.getData().values().stream()).filter(s -> s.contains("TopicCommand")).toList();
            if (scripts.isEmpty()) {
                problems.add(where + ": mounts no ConfigMap with a script that runs Kafka's TopicCommand");
                continue;
            }
            String script = scripts.get(0);
            for (SluiceTopics.Topic topic : SluiceTopics.ALL) {
                if (!script.contains(topic.name())) {
                    problems.add(where + ": its script does not create " + topic.name());
                }
                if (topic.compacted() && !script.contains("create " + topic.name() + " --config cleanup.policy=compact")) {
                    problems.add(where + ": " + topic.name() + " is not created compacted");
                }
            }
        }
    }

    private void probe(String where, Probe probe, String path, List<ContainerPort> ports, int port) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        if (get == null) {
            problems.add(where + " probe: none (expected GET " + path + ")");
            return;
        }
        if (!path.equals(get.getPath())) {
            problems.add(where + " probe: GET " + get.getPath() + ", expected " + path);
        }
        IntOrString target = get.getPort();
        boolean toServerPort = target.getIntVal() != null ? target.getIntVal() == port
                : ports.stream().anyMatch(p -> target.getStrVal().equals(p.getName()) && p.getContainerPort() == port);
        if (!toServerPort) {
            problems.add(where + " probe: port " + target + " is not the service's port " + port);
        }
    }

    private static int number(Map<String, String> env, String variable, int fallback) {
        try {
            return Integer.parseInt(env.getOrDefault(variable, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean targets(IntOrString target, List<ContainerPort> ports) {
        return target.getIntVal() != null ? ports.stream().anyMatch(p -> p.getContainerPort().equals(target.getIntVal()))
                : ports.stream().anyMatch(p -> target.getStrVal().equals(p.getName()));
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static long limit(Container container, String resource) {
        var resources = container.getResources();
        Quantity quantity = resources == null || resources.getLimits() == null ? null : resources.getLimits().get(resource);
        return quantity == null ? 0 : Quantity.getAmountInBytes(quantity).longValue();
    }

    private static String describe(EnvVar variable) {
        var from = variable.getValueFrom();
        if (from != null && from.getSecretKeyRef() != null) {
            return "secret " + from.getSecretKeyRef().getName() + "/" + from.getSecretKeyRef().getKey();
        }
        return from != null && from.getConfigMapKeyRef() != null ? "config map " + from.getConfigMapKeyRef().getName() : "elsewhere";
    }

    private <T extends HasMetadata> Map<String, T> byName(Class<T> type) {
        Map<String, T> named = new LinkedHashMap<>();
        resources.stream().filter(type::isInstance).map(type::cast).forEach(r -> named.put(r.getMetadata().getName(), r));
        return named;
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
