package io.sluice.deployment.security;

import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;

import io.sluice.deployment.DeploymentProperties;

/**
 * Who may do what: GET /deployments needs a viewer token, pause and resume a writer's, promote and rollback an admin's;
 * health and metrics are open. A missing or unknown token is 401, too small a role 403.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    TokenAuthenticationProvider tokenAuthenticationProvider(DeploymentProperties properties) {
        Map<String, Role> tokens = new HashMap<>(properties.tokens());
        if (properties.adminToken() != null && !properties.adminToken().isBlank()) {
            tokens.put(properties.adminToken().strip(), Role.ADMIN);
        }
        TokenAuthenticationProvider provider = new TokenAuthenticationProvider(tokens);
        if (!provider.hasTokens()) {
            log.warn("no operator tokens configured (sluice.deployment.tokens, SLUICE_ADMIN_TOKEN): every /deployments call gets 401");
        }
        return provider;
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix().role("ADMIN").implies("WRITER").role("WRITER").implies("VIEWER").build();
    }

    @Bean
    SecurityFilterChain deploymentsSecurity(HttpSecurity http, TokenAuthenticationProvider tokens) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> json(response, HttpServletResponse.SC_UNAUTHORIZED,
                "a valid bearer token is required (Authorization: Bearer <token>)");
        AccessDeniedHandler forbidden = (request, response, e) -> json(response, HttpServletResponse.SC_FORBIDDEN,
                "this token's role may not do that");
        AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(tokens), request -> {
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return null;
            }
            return new BearerToken(header.substring(7).strip());
        });
        bearer.setSuccessHandler((request, response, authentication) -> { });
        bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(bearer, AuthorizationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info", "/actuator/prometheus", "/error")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/deployments", "/deployments/*").hasRole(Role.VIEWER.name())
                        .requestMatchers(HttpMethod.POST, "/deployments/*/pause", "/deployments/*/resume").hasRole(Role.WRITER.name())
                        .requestMatchers(HttpMethod.POST, "/deployments/*/promote", "/deployments/*/rollback").hasRole(Role.ADMIN.name())
                        .anyRequest().denyAll());
        return http.build();
    }

    private static void json(HttpServletResponse response, int status, String message) throws java.io.IOException {
        response.setStatus(status);
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":" + status + ",\"message\":\"" + message + "\"}");
    }
}
