package io.sluice.containers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.sluice.platform.storage.Buckets;

/**
 * What a service can be configured with, derived from the service itself: its {@code @ConfigurationProperties}
 * records (and platform's), the keys of its application.yaml and platform's sluice-defaults.yaml, the bucket
 * settings platform's {@code Buckets} reads, the
 * variables those files name in placeholders ({@code ${SLUICE_KAFKA:…}}), and Spring Boot's configuration
 * metadata. An environment variable binds when Spring's own relaxed binding maps it onto one of them.
 */
final class ServiceSettings {

    /** Read by the JVM or by DJL, not by Spring. */
    static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS", "DJL_CACHE_DIR", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
            "PYTORCH_FLAVOR", "LD_LIBRARY_PATH");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<ConfigurationPropertyName> BOOT_LEAVES = new HashSet<>();
    private static final Set<ConfigurationPropertyName> BOOT_MAPS = new HashSet<>();

    final String module;
    final int port;
    private final Set<String> placeholders = new HashSet<>();
    private final Set<ConfigurationPropertyName> leaves = new HashSet<>(BOOT_LEAVES);
    private final Set<ConfigurationPropertyName> maps = new HashSet<>(BOOT_MAPS);

    static {
        try {
            for (Resource metadata : new PathMatchingResourcePatternResolver().getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
                try (InputStream in = metadata.getInputStream()) {
                    for (JsonNode property : new ObjectMapper().readTree(in).path("properties")) {
                        ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property.path("name").asText(), '.');
                        (property.path("type").asText().startsWith("java.util.Map") ? BOOT_MAPS : BOOT_LEAVES).add(name);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServiceSettings(Path repository, String module) throws IOException {
        this.module = module;
        JsonNode application = yaml(repository.resolve(module).resolve("src/main/resources/application.yaml"));
        port = application.path("server").path("port").asInt();
        for (Path file : List.of(repository.resolve(module).resolve("src/main/resources/application.yaml"),
                repository.resolve("platform/src/main/resources/sluice-defaults.yaml"))) {
            Matcher matcher = PLACEHOLDER.matcher(Files.readString(file));
            while (matcher.find()) {
                placeholders.add(matcher.group(1));
            }
            flatten("", yaml(file));
        }
        for (String setting : Buckets.settings()) { // served by platform's Buckets, not by a file or a record
            leaves.add(ConfigurationPropertyName.adapt(setting, '.'));
        }
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (String base : List.of(packageOf(module), "io.sluice.platform")) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(base)) {
                Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), getClass().getClassLoader());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                properties(prefix, type);
            }
        }
    }

    static String packageOf(String module) {
        return "io.sluice." + module.replace("-service", "");
    }

    /** Whether Spring binds the environment variable {@code name} to a setting of this service (or the JVM or DJL reads it). */
    boolean binds(String name) {
        if (NOT_SPRING.contains(name) || placeholders.contains(name)) {
            return true;
        }
        ConfigurationPropertySource environment = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(name, "value")));
        for (ConfigurationPropertyName leaf : leaves) {
            ConfigurationProperty property = environment.getConfigurationProperty(leaf);
            if (property != null) {
                return true;
            }
        }
        return maps.stream().anyMatch(map -> environment.containsDescendantOf(map) == ConfigurationPropertyState.PRESENT);
    }

    private void flatten(String prefix, JsonNode node) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(field -> flatten(prefix.isEmpty() ? field : prefix + "." + field, node.get(field)));
            if (node.isEmpty() && !prefix.isEmpty()) {
                maps.add(ConfigurationPropertyName.adapt(prefix, '.'));
            }
        } else if (!prefix.isEmpty()) {
            leaves.add(ConfigurationPropertyName.adapt(prefix, '.'));
        }
    }

    private void properties(String prefix, Class<?> type) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                property(prefix + "." + kebab(component.getName()), component.getType(), component.getGenericType());
            }
        } else {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    property(prefix + "." + kebab(field.getName()), field.getType(), field.getGenericType());
                }
            }
        }
    }

    private void property(String name, Class<?> type, Type generic) {
        ConfigurationPropertyName property = ConfigurationPropertyName.adapt(name, '.');
        if (Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type) || type.isArray()) {
            leaves.add(property); // a list also binds from one comma-separated value
            maps.add(property);
        } else if (type.getPackageName().startsWith("io.sluice") && !type.isEnum()) {
            properties(name, type);
        } else {
            leaves.add(property);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    /** Every module that is a service with an image and a Deployment. */
    static Set<String> modules() {
        return new LinkedHashSet<>(ServiceContainer.PORTS.keySet());
    }
}
