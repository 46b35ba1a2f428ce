package io.sluice.ingest.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.sluice.ingest.notifications.Notification;
import io.sluice.platform.security.LogSafe;

/**
 * Answers SMN's subscription handshake by visiting its {@code subscribe_url} — only when enabled,
 * only over HTTPS and only to configured host suffixes, so a forged confirmation cannot make the
 * service call arbitrary URLs. The URL holds a token and is never logged.
 */
final class SubscriptionConfirmer {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionConfirmer.class);

    private final boolean enabled;
    private final List<String> hostSuffixes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SubscriptionConfirmer(boolean enabled, List<String> hostSuffixes) {
        this.enabled = enabled;
        this.hostSuffixes = hostSuffixes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** What was done about the confirmation: "confirming", "refused: …" or "pending: …". */
    String confirm(Notification.SubscriptionConfirmation confirmation) {
        URI url;
        try {
            url = URI.create(confirmation.subscribeUrl());
        } catch (IllegalArgumentException e) {
            return "refused: subscribe_url is not a URL";
        }
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (!enabled) {
            log.info("SMN subscription confirmation for topic {} received; automatic confirmation is off "
                    + "(sluice.ingest.webhooks.confirm-subscriptions): confirm it in the SMN console", LogSafe.text(confirmation.topicUrn()));
            return "pending: confirm the subscription in the SMN console";
        }
        if (!"https".equals(url.getScheme()) || hostSuffixes.stream().noneMatch(host::endsWith)) {
            log.warn("refused to confirm SMN subscription for topic {}: subscribe_url host '{}' is not allowed",
                    LogSafe.text(confirmation.topicUrn()), host);
            return "refused: subscribe_url must be https on " + hostSuffixes;
        }
        http.sendAsync(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error != null || response.statusCode() >= 300) {
                        log.warn("confirming SMN subscription for topic {} failed: {}", LogSafe.text(confirmation.topicUrn()),
                                error != null ? error.toString() : "HTTP " + response.statusCode());
                    } else {
                        log.info("confirmed SMN subscription for topic {}", LogSafe.text(confirmation.topicUrn()));
                    }
                });
        return "confirming";
    }
}
