package io.sluice.ingest.web;

import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.ingest.IngestProperties;

/** Builds the webhook authenticator, limits, SMN signature check and SMN confirmer from {@code sluice.ingest.webhooks}. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    WebhookAuthenticator webhookAuthenticator(IngestProperties properties) {
        IngestProperties.Webhooks webhooks = properties.webhooks();
        if (webhooks.token().isEmpty() && webhooks.hmacSecret().isEmpty()) {
            LoggerFactory.getLogger(WebhookConfiguration.class).warn(webhooks.allowUnauthenticated()
                    ? "webhooks accept unauthenticated requests (sluice.ingest.webhooks.allow-unauthenticated=true)"
                    : "webhooks refuse every request: no token (SLUICE_ADMIN_TOKEN) or hmac-secret configured");
        }
        return new WebhookAuthenticator(webhooks.token(), webhooks.hmacSecret(), webhooks.allowUnauthenticated());
    }

    @Bean
    SmnSignatures smnSignatures(IngestProperties properties) {
        IngestProperties.Webhooks webhooks = properties.webhooks();
        return new SmnSignatures(webhooks.smnSigningCert().isBlank() ? null
                : SmnSignatureVerifier.fromPem(webhooks.smnSigningCert(), webhooks.smnTopicUrns()));
    }

    /**
     * The SMN signature check of {@code POST /notifications/obs}.
     *
     * @param verifier null when the check is off
     */
    record SmnSignatures(SmnSignatureVerifier verifier) {}

    @Bean
    SubscriptionConfirmer subscriptionConfirmer(IngestProperties properties) {
        return new SubscriptionConfirmer(properties.webhooks().confirmSubscriptions(), properties.webhooks().confirmHosts());
    }

    @Bean
    NotificationController.WebhookLimits webhookLimits(IngestProperties properties) {
        return new NotificationController.WebhookLimits(properties.webhooks().maxBodyBytes());
    }
}
