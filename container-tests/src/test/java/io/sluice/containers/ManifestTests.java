package io.sluice.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests of deploy/k8s agree with the services they run and with the Kubernetes API; and the
 * check is proven to catch each bug issue 14 found in them, by putting every one of them back into a copy.
 */
class ManifestTests {

    static final Path REPOSITORY = Path.of(System.getProperty("sluice.repository.root", "..")).toAbsolutePath().normalize();
    private static Map<String, ServiceSettings> services;
    private static Map<String, String> manifests;

    @BeforeAll
    static void readServicesAndManifests() throws Exception {
        services = new LinkedHashMap<>();
        for (String module : ServiceSettings.modules()) {
            services.put(module, new ServiceSettings(REPOSITORY, module));
        }
        manifests = ManifestChecks.read(REPOSITORY.resolve("deploy/k8s"));
    }

    private static ManifestChecks checks() {
        return new ManifestChecks(services, Images.VERSION, Images.KAFKA.substring(Images.KAFKA.indexOf(':') + 1));
    }

    @Test
    void manifestsAgreeWithTheServicesAndTheKubernetesApi() throws Exception {
        assertThat(manifests).containsKeys("kustomization.yaml", "config.yaml", "ingress.yaml", "topics.yaml");
        assertThat(checks().check(manifests)).isEmpty();
    }

    @Test
    void bindsEnvironmentVariablesTheWaySpringDoes() {
        ServiceSettings ingest = services.get("ingest-service");
        assertThat(ingest.binds("SLUICE_INGEST_WEBHOOKS_TOKEN")).isTrue();          // sluice.ingest.webhooks.token
        assertThat(ingest.binds("SLUICE_INGEST_VALIDATION_MIN_SAMPLES_PER_CLASS")).isTrue(); // legacy dashes as underscores
        assertThat(ingest.binds("SLUICE_BUCKETS_RAW_DATA")).isTrue();                // a bucket platform's Buckets serves
        assertThat(ingest.binds("SLUICE_PROJECT")).isTrue();                         // names the buckets with SLUICE_ENV
        assertThat(ingest.binds("SLUICE_ENV")).isTrue();
        assertThat(ingest.binds("SLUICE_KAFKA")).isTrue();                           // a placeholder
        assertThat(ingest.binds("SERVER_PORT")).isTrue();                            // Spring Boot's own metadata
        assertThat(ingest.binds("SLUICE_INGEST_WEBHOOK_TOKEN")).isFalse();
        assertThat(ingest.binds("SLUICE_TRAINING_DEFAULTS_MAX_EPOCHS")).isFalse();   // another service's setting
        assertThat(services.get("training-service").binds("SLUICE_TRAINING_MODELS_DIGITS_MAX_EPOCHS")).isTrue(); // a map entry
        assertThat(services.get("console").binds("SLUICE_CONSOLE_INFERENCE_API_KEY")).isTrue();
        assertThat(services.get("training-service").binds("SLUICE_SECURITY_KEYS_FILE")).isTrue(); // platform's sluice.security.keys-file
        assertThat(services.get("ingest-service").port).isEqualTo(8081);
    }

    static Stream<Arguments> bugs() {
        return Stream.of(
                bug("gs:// buckets without the GCS store", "config.yaml", "  SLUICE_STORAGE_GCS_ENABLED: \"true\"\n", "",
                        "SLUICE_STORAGE_GCS_ENABLED is not \"true\""),
                bug("the key file under a name that binds to nothing", "config.yaml", "SLUICE_SECURITY_KEYS_FILE:",
                        "SLUICE_SECURITY_KEY_FILE:", "SLUICE_SECURITY_KEY_FILE binds to no configuration property"),
                bug("a plain admin token", "deployment-service.yaml", "            - name: SLUICE_SESSION_SECRET\n",
                        "            - name: SLUICE_ADMIN_TOKEN\n              valueFrom: {secretKeyRef: {name: sluice-secrets, key: admin-token}}\n"
                                + "            - name: SLUICE_SESSION_SECRET\n", "SLUICE_ADMIN_TOKEN is a plain API key"),
                bug("plain inference keys", "inference-service.yaml", "            - name: SLUICE_SESSION_SECRET\n",
                        "            - name: SLUICE_INFERENCE_API_KEYS\n              value: k1,k2\n            - name: SLUICE_SESSION_SECRET\n",
                        "SLUICE_INFERENCE_API_KEYS is a plain API key"),
                bug("the key file not mounted", "monitoring-service.yaml", ", {name: api-keys, mountPath: /etc/sluice/keys, readOnly: true}",
                        "", "which no secret volume provides"),
                bug("no API keys at all", "config.yaml", "  SLUICE_SECURITY_KEYS_FILE: /etc/sluice/keys/api-keys\n", "",
                        "configures no API keys"),
                bug("a secret whose keys nobody can check", "ingest-service.yaml", "            - configMapRef: {name: sluice-config}\n",
                        "            - configMapRef: {name: sluice-config}\n            - secretRef: {name: sluice-secrets, optional: true}\n",
                        "envFrom secret sluice-secrets"),
                bug("the console without the deployment URL", "console.yaml",
                        "            - name: SLUICE_DEPLOYMENT_URL\n              value: http://deployment-service\n", "",
                        "SLUICE_DEPLOYMENT_URL is not set"),
                bug("the console without the inference URL", "console.yaml",
                        "            - name: SLUICE_INFERENCE_URL\n              value: http://inference-service\n", "",
                        "SLUICE_INFERENCE_URL is not set"),
                bug("the console pointing at no inference Service", "console.yaml", "value: http://inference-service",
                        "value: http://localhost:8082", "is not a Service of inference-service"),
                bug("the console without an inference API key", "console.yaml", "            - name: SLUICE_CONSOLE_INFERENCE_API_KEY\n", "",
                        "the console has none"),
                bug("the CPU image on a GPU request", "inference-service.yaml", "-SNAPSHOT-cuda", "-SNAPSHOT",
                        "a GPU pod needs the CUDA image"),
                bug("GPU pods without GPU node selection", "inference-service.yaml",
                        "      nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4}\n", "", "selects no GPU nodes"),
                bug("training's journal and checkpoints on an emptyDir", "config.yaml", "SLUICE_BUCKETS_STAGING: gs://acme-prod-staging/",
                        "SLUICE_BUCKETS_STAGING: file:/data/buckets/staging/", "which is an emptyDir"),
                bug("training's journal and checkpoints in the pod's local buckets", "config.yaml",
                        "  SLUICE_BUCKETS_STAGING: gs://acme-prod-staging/\n", "", "which is an emptyDir"),
                bug("deployment-service stopping every replica at once", "deployment-service.yaml",
                        "    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}\n", "    type: Recreate\n",
                        "strategy Recreate: every replica stops at once"),
                bug("topics created by the services without replication", "config.yaml", "  SLUICE_KAFKA_REPLICATION_FACTOR: \"3\"\n", "",
                        "creates missing topics with replication 1"),
                bug("no PodDisruptionBudget", "monitoring-service.yaml", "kind: PodDisruptionBudget", "kind: Service",
                        "0 PodDisruptionBudgets select its pods"),
                bug("no Ingress for the console", "ingress.yaml", "backend: {service: {name: console,",
                        "backend: {service: {name: inference-service,", "no Ingress routes to console"),
                bug("topics without replication", "topics.yaml", "{name: REPLICATION, value: \"3\"}", "{name: REPLICATION, value: \"1\"}",
                        "replication 1"),
                bug("the routing table not compacted", "create-topics.sh", "create sluice.deployment-state --config cleanup.policy=compact",
                        "create sluice.deployment-state", "sluice.deployment-state is not created compacted"),
                bug("a probe on the wrong path", "ingest-service.yaml", "path: /actuator/health/readiness", "path: /actuator/health",
                        "expected /actuator/health/readiness"),
                bug("the wrong container port", "ingest-service.yaml", "containerPort: 8081", "containerPort: 8080",
                        "no containerPort 8081"),
                bug("a field the API does not have", "ingest-service.yaml", "  replicas: 2\n", "  replica: 2\n", "unknown field(s) [replica]"),
                bug("a value of the wrong type", "ingest-service.yaml", "  replicas: 2\n", "  replicas: two\n", "not a valid apps/v1/Deployment"));
    }

    private static Arguments bug(String what, String file, String find, String replace, String reported) {
        return Arguments.of(what, file, find, replace, reported);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void reportsEachBugWhenItIsPutBack(String what, String file, String find, String replace, String reported) throws Exception {
        assertThat(manifests.get(file)).as("the manifest this case changes").contains(find);
        Map<String, String> broken = new LinkedHashMap<>(manifests);
        broken.put(file, manifests.get(file).replace(find, replace));
        assertThat(checks().check(broken)).anySatisfy(problem -> assertThat(problem).contains(reported));
    }
}
