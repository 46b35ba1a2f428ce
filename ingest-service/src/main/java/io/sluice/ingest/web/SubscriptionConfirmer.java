package io.sluice.ingest.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.ingest.notifications.Notification;
import io.sluice.platform.security.LogSafe;

/**
 * Answers a provider's subscription handshake (SMN's {@code subscribe_url}, SNS's {@code SubscribeURL}) by visiting the
 * URL — only when enabled, only over HTTPS and only to allowed hosts, so a forged confirmation cannot make the
 * service call arbitrary URLs. The URL holds a token and is never logged.
 */
final class SubscriptionConfirmer {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionConfirmer.class);

    private final String provider;
    private final boolean enabled;
    private final Predicate<String> allowedHost;
    private final String allowed;
    private final String setting;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** SMN's: hosts ending with one of the suffixes. */
    SubscriptionConfirmer(boolean enabled, List<String> hostSuffixes) {
        this("SMN", enabled, host -> hostSuffixes.stream().map(s -> s.toLowerCase(Locale.ROOT)).anyMatch(host::endsWith),
                "https on " + hostSuffixes, "sluice.ingest.webhooks.confirm-subscriptions");
    }

    /**
     * @param provider    the provider's name in logs and answers
     * @param enabled     whether to confirm at all
     * @param allowedHost whether a (lower-case) host may be visited
     * @param allowed     the allowed hosts, in words
     * @param setting     the setting that enables confirming
     */
    SubscriptionConfirmer(String provider, boolean enabled, Predicate<String> allowedHost, String allowed, String setting) {
        this.provider = provider;
        this.enabled = enabled;
        this.allowedHost = allowedHost;
        this.allowed = allowed;
        this.setting = setting;
    }

    /** What was done about the confirmation: "confirming", "refused: …" or "pending: …". */
    String confirm(Notification.SubscriptionConfirmation confirmation) {
        URI url;
        try {
            url = URI.create(confirmation.subscribeUrl());
        } catch (IllegalArgumentException e) {
            return "refused: the subscribe URL is not a URL";
        }
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (!enabled) {
            log.info("{} subscription confirmation for topic {} received; automatic confirmation is off ({}): confirm it in the {} console",
                    provider, LogSafe.text(confirmation.topicUrn()), setting, provider);
            return "pending: confirm the subscription in the " + provider + " console";
        }
        if (!"https".equals(url.getScheme()) || url.getPort() != -1 && url.getPort() != 443 || !allowedHost.test(host)) {
            log.warn("refused to confirm {} subscription for topic {}: subscribe URL host '{}' is not allowed", provider,
                    LogSafe.text(confirmation.topicUrn()), LogSafe.text(host));
            return "refused: the subscribe URL must be " + allowed;
        }
        http.sendAsync(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error != null || response.statusCode() >= 300) {
                        log.warn("confirming {} subscription for topic {} failed: {}", provider, LogSafe.text(confirmation.topicUrn()),
                                error != null ? LogSafe.text(error) : "HTTP " + response.statusCode());
                    } else {
                        log.info("confirmed {} subscription for topic {}", provider, LogSafe.text(confirmation.topicUrn()));
                    }
                });
        return "confirming";
    }
}
