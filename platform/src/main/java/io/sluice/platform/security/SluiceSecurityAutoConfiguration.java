package io.sluice.platform.security;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * The one security configuration of every servlet service: credentials ({@link ApiKeys}, {@link SessionTokens}), the
 * service's {@link RouteRoles} (deny by default), problem-detail refusals, and the body limit. A service declares its
 * routes with a {@link RouteRoles} bean and nothing else.
 */
@AutoConfiguration(beforeName = {"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@EnableConfigurationProperties(SecurityProperties.class)
public class SluiceSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ApiKeys apiKeys(SecurityProperties properties, ObjectProvider<PlainKeys> services) {
        List<ApiKeys.PlainKey> plain = new ArrayList<>();
        plain.add(new ApiKeys.PlainKey("admin", Role.ADMIN, properties.adminToken()));
        services.orderedStream().forEach(s -> plain.addAll(s.keys()));
        ApiKeys keys = new ApiKeys(properties.keys(), plain, properties.keysFile(), properties.reloadInterval(), Clock.systemUTC());
        if (keys.isEmpty()) {
            LoggerFactory.getLogger(ApiKeys.class).warn("no API keys configured (sluice.security.keys, keys-file, SLUICE_ADMIN_TOKEN): "
                    + "only public routes answer");
        }
        return keys;
    }

    @Bean
    @ConditionalOnMissingBean
    SessionTokens sessionTokens(SecurityProperties properties) {
        return new SessionTokens(SessionTokens.secret(properties.sessionSecret(), properties.adminToken()), Clock.systemUTC());
    }

    /** Keeps Spring Boot from creating a user with a generated password: credentials are API keys and sessions only. */
    @Bean
    @ConditionalOnMissingBean
    AuthenticationManager sluiceAuthenticationManager() {
        return authentication -> {
            throw new ProviderNotFoundException("credentials are API keys and sessions (Authorization: Bearer)");
        };
    }

    /** Who a credential proves and what an access lets in: the filter chain's check, and any other entrance's (gRPC). */
    @Bean
    @ConditionalOnMissingBean
    Credentials sluiceCredentials(ApiKeys keys, SessionTokens sessions, ObjectProvider<CredentialVerifier> verifiers,
                                  SecurityProperties properties) {
        return new Credentials(keys, sessions, verifiers.orderedStream().toList(), properties.publicReads());
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain sluiceSecurityFilterChain(HttpSecurity http, ObjectProvider<RouteRoles> declared, Credentials checks,
                                                  ObjectProvider<WebhookProof> proof, SecurityProperties properties)
            throws Exception {
        List<RouteRoles.Route> routes = new ArrayList<>(RouteRoles.platformRoutes());
        declared.orderedStream().forEach(r -> routes.addAll(r.routes()));
        RouteTable table = new RouteTable(routes, checks, proof.getIfAvailable());
        CredentialFilter credentials = new CredentialFilter(checks, properties.webhookQueryToken(), table::isWebhook);
        http.csrf(AbstractHttpConfigurer::disable) // no ambient credentials but the console's SameSite=Strict cookie
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(credentials, AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, failure) -> {
                            response.setHeader("WWW-Authenticate", "Bearer");
                            Problems.write(request, response, HttpStatus.UNAUTHORIZED, "this needs " + needs(table.routeOf(request))
                                    + ": send Authorization: Bearer <API key or session> (or X-API-Key)");
                        })
                        .accessDeniedHandler((request, response, failure) -> Problems.write(request, response, HttpStatus.FORBIDDEN,
                                "signed in as " + SecurityContextHolder.getContext().getAuthentication().getName() + "; this needs "
                                        + needs(table.routeOf(request)))))
                .authorizeHttpRequests(a -> a.anyRequest().access(table));
        return http.build();
    }

    private static String needs(RouteRoles.Route route) {
        if (route == null) {
            return "a route that exists (undeclared routes are refused)";
        }
        return Credentials.needs(route.access());
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> sluiceBodyLimitFilter(SecurityProperties properties) {
        FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
                new BodyLimitFilter(properties.maxRequestSize().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    @Bean
    ProblemAdvice sluiceProblemAdvice() {
        return new ProblemAdvice();
    }

    /** {@code /error} as a problem detail (Spring Boot's error controller backs off). */
    @Bean
    @ConditionalOnMissingBean(org.springframework.boot.webmvc.error.ErrorController.class)
    ProblemErrorController sluiceErrorController() {
        return new ProblemErrorController();
    }

    /** Tomcat's own refusals as problem details: its error report valves on the host are replaced once the context starts. */
    @Bean
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory>
            sluiceProblemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
            if (org.apache.catalina.Lifecycle.AFTER_START_EVENT.equals(event.getType()) && context.getParent() != null) {
                org.apache.catalina.Pipeline pipeline = context.getParent().getPipeline();
                for (org.apache.catalina.Valve valve : pipeline.getValves()) {
                    if (valve instanceof org.apache.catalina.valves.ErrorReportValve && !(valve instanceof ProblemErrorReportValve)) {
                        pipeline.removeValve(valve);
                    }
                }
                if (java.util.Arrays.stream(pipeline.getValves()).noneMatch(ProblemErrorReportValve.class::isInstance)) {
                    pipeline.addValve(new ProblemErrorReportValve());
                }
            }
        }));
    }
}
