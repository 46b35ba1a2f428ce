package io.sluice.platform.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import io.sluice.platform.security.Access;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;

/**
 * Walks a service's declared {@link RouteRoles} over real HTTP: every non-public route answers 401 without a
 * credential and 403 with a role too small (a problem detail each time), and a role that suffices is let through
 * (never 401/403, never a 5xx). {@link #assertEveryMappingDeclared} makes sure no controller route is left out of the
 * table. Register {@link #keysProperty()} as {@code sluice.security.keys}: one key per role.
 */
public final class RouteWalk {

    /** The plain key of each role in tests. */
    public static final Map<Role, String> KEYS = new EnumMap<>(Role.class);

    static {
        for (Role role : Role.values()) {
            KEYS.put(role, "test-key-" + role.label());
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public RouteWalk(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The {@code sluice.security.keys} value that accepts {@link #KEYS}. */
    public static String keysProperty() {
        return KEYS.entrySet().stream().map(e -> ApiKeys.entryFor("test-" + e.getKey().label(), e.getKey(), e.getValue()))
                .collect(Collectors.joining(","));
    }

    /** A role that does not include what the access needs. */
    static Role tooSmall(Access access) {
        return switch (access) {
            case PUBLIC -> null;
            case READ, WEBHOOK -> Role.CLIENT;
            case CLIENT, WRITER -> Role.VIEWER;
            case ADMIN -> Role.WRITER;
        };
    }

    /** Walks every declared route; returns how many requests it sent. */
    public int walk(RouteRoles roles) {
        return walk(roles, false);
    }

    /**
     * Walks every declared route; with {@code publicReads} (the service's {@code sluice.security.public-reads}) the
     * {@link Access#READ} routes must answer without a credential instead. Returns how many requests it sent.
     */
    public int walk(RouteRoles roles, boolean publicReads) {
        int sent = 0;
        List<String> failures = new ArrayList<>();
        for (RouteRoles.Route route : roles.routes()) {
            if (route.access() == Access.PUBLIC) {
                continue;
            }
            HttpMethod method = route.method() == null ? HttpMethod.GET : route.method();
            String path = concrete(route.pattern());
            if (publicReads && route.access() == Access.READ) {
                int open = status(method, path, null);
                sent++;
                if (open == 401 || open == 403 || open >= 500) {
                    failures.add(route + ": public read without a credential gave " + open);
                }
                continue;
            }
            int none = status(method, path, null);
            int small = status(method, path, KEYS.get(tooSmall(route.access())));
            int enough = status(method, path, KEYS.get(route.access().role()));
            sent += 3;
            if (none != 401) {
                failures.add(route + ": no credential gave " + none);
            }
            if (small != 403) {
                failures.add(route + ": role " + tooSmall(route.access()).label() + " gave " + small);
            }
            if (enough == 401 || enough == 403 || enough >= 500) {
                failures.add(route + ": role " + route.access().role().label() + " gave " + enough);
            }
        }
        assertThat(failures).as("routes whose answers do not fit their declared role").isEmpty();
        return sent;
    }

    /** Every Spring MVC controller mapping is covered by a declared route (same method, pattern matches). */
    public static void assertEveryMappingDeclared(ApplicationContext context, RouteRoles roles) {
        PathPatternParser parser = new PathPatternParser();
        List<RouteRoles.Route> declared = new ArrayList<>(RouteRoles.platformRoutes());
        declared.addAll(roles.routes());
        List<String> missing = new ArrayList<>();
        int mappings = 0;
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                if (info.getPathPatternsCondition() == null) {
                    continue;
                }
                for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
                    String path = concrete(pattern.getPatternString());
                    List<RequestMethod> methods = info.getMethodsCondition().getMethods().isEmpty()
                            ? List.of(RequestMethod.GET) : List.copyOf(info.getMethodsCondition().getMethods());
                    for (RequestMethod method : methods) {
                        mappings++;
                        boolean found = declared.stream().anyMatch(route ->
                                (route.method() == null || route.method().name().equals(method.name()))
                                        && parser.parse(route.pattern()).matches(org.springframework.http.server.PathContainer.parsePath(path)));
                        if (!found) {
                            missing.add(method + " " + pattern.getPatternString());
                        }
                    }
                }
            }
        }
        assertThat(mappings).as("controller mappings found").isPositive();
        assertThat(missing).as("controller routes missing from RouteRoles").isEmpty();
    }

    /**
     * The README's route table (between {@code <!-- route-table -->} and {@code <!-- /route-table -->} in the repository's
     * top-level README.md: rows {@code | service | METHOD /path/{variable} | role |}, a blank service cell continuing the
     * one above) lists exactly the service's declared routes, in declaration order (the first match decides) — so the
     * table cannot drift from what the service enforces. {@code {variable}} in the table stands for {@code *}; a method
     * of {@code ANY} for every method; rows whose route cell does not start with a method (e.g. "none") declare nothing.
     */
    public static void assertReadmeTable(String service, RouteRoles roles) {
        List<String> declared = roles.routes().stream().map(route -> (route.method() == null ? "ANY" : route.method().name()) + " "
                + route.pattern() + " " + label(route.access())).toList();
        assertThat(readmeRoutes(service)).as("README route table rows of " + service + " (they must match its RouteRoles)")
                .containsExactlyElementsOf(declared);
    }

    /** The README table's rows of one service as {@code METHOD pattern role}, variables as {@code *}. */
    static List<String> readmeRoutes(String service) {
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        String current = null;
        for (String line : readme().lines().toList()) {
            if (line.contains("<!-- route-table -->")) {
                inTable = true;
                continue;
            }
            if (line.contains("<!-- /route-table -->")) {
                break;
            }
            if (!inTable || !line.startsWith("|") || line.startsWith("|---") || line.startsWith("| service")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            if (cells.length < 4) {
                continue;
            }
            String name = cells[1].replace("`", "").trim();
            current = name.isEmpty() ? current : name;
            String route = cells[2].replace("`", "").trim();
            if (!service.equals(current) || !route.matches("(GET|POST|PUT|PATCH|DELETE|ANY) /.*")) {
                continue;
            }
            rows.add(route.replaceAll("\\{[^/}]*}", "*") + " " + cells[3].replace("`", "").trim());
        }
        assertThat(inTable).as("README.md has a <!-- route-table --> section").isTrue();
        return rows;
    }

    private static String readme() {
        for (java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            java.nio.file.Path readme = dir.resolve("README.md");
            if (java.nio.file.Files.isRegularFile(readme) && java.nio.file.Files.isDirectory(dir.resolve("platform"))) {
                try {
                    return java.nio.file.Files.readString(readme);
                } catch (IOException e) {
                    throw new AssertionError("cannot read " + readme, e);
                }
            }
        }
        throw new AssertionError("no repository README.md above " + java.nio.file.Path.of("").toAbsolutePath());
    }

    /** How the README names an access. */
    static String label(Access access) {
        return switch (access) {
            case PUBLIC -> "public";
            case READ -> "viewer";
            case CLIENT -> "client";
            case WEBHOOK -> "webhook";
            case WRITER -> "writer";
            case ADMIN -> "admin";
        };
    }

    /**
     * Routes nobody declared are refused: 401 (a problem detail) without a credential, 403 with any role, admin included.
     * For services whose only routes are the platform's (the training-service).
     */
    public void assertUndeclaredRefused(String... paths) {
        List<String> failures = new ArrayList<>();
        for (String path : paths) {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
                int none = status(method, path, null);
                int admin = status(method, path, KEYS.get(Role.ADMIN));
                if (none != 401 || admin != 403) {
                    failures.add(method + " " + path + ": " + none + " without a credential, " + admin + " as admin");
                }
            }
        }
        assertThat(failures).as("undeclared routes that were not refused").isEmpty();
    }

    /** The pattern with every variable or wildcard segment replaced by {@code x}. */
    static String concrete(String pattern) {
        String path = pattern.replaceAll("\\{[^/}]*}", "x").replace("/**", "/x").replace("*", "x");
        return path.isEmpty() ? "/" : path;
    }

    private int status(HttpMethod method, String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method.name(), method == HttpMethod.GET || method == HttpMethod.DELETE ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) { // an event stream never ends: the status is enough
                if (response.statusCode() == 401 || response.statusCode() == 403) {
                    assertThat(response.headers().firstValue("Content-Type")).as(method + " " + path)
                            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                }
            }
            return response.statusCode();
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
