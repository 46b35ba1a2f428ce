package io.sluice.ingest.web;

import java.util.List;

import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.sluice.ingest.IngestProperties;
import io.sluice.platform.security.Access;
import io.sluice.platform.security.ApiKeys;
import io.sluice.platform.security.PlainKeys;
import io.sluice.platform.security.Role;
import io.sluice.platform.security.RouteRoles;
import io.sluice.platform.security.WebhookProof;

/**
 * Builds the webhook routes' roles, the HMAC check, limits, SMN signature check and SMN confirmer from
 * {@code sluice.ingest.webhooks}.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    @Bean
    WebhookAuthenticator webhookAuthenticator(IngestProperties properties) {
        IngestProperties.Webhooks webhooks = properties.webhooks();
        if (webhooks.allowUnauthenticated()) {
            LoggerFactory.getLogger(WebhookConfiguration.class)
                    .warn("webhooks accept unauthenticated requests (sluice.ingest.webhooks.allow-unauthenticated=true)");
        }
        return new WebhookAuthenticator(webhooks.hmacSecret(), webhooks.allowUnauthenticated());
    }

    /** {@code webhooks.token}, a webhook key given in plain, checked by platform's keys like any other. */
    @Bean
    PlainKeys webhookToken(IngestProperties properties) {
        return () -> List.of(new ApiKeys.PlainKey("webhook-token", Role.WEBHOOK, properties.webhooks().token()));
    }

    /** Pub/Sub push's OIDC tokens, when an audience and Google's keys are configured. */
    @Bean
    @ConditionalOnExpression("'${sluice.ingest.webhooks.pubsub-audience:}' != '' && '${sluice.ingest.webhooks.pubsub-jwks:}' != ''")
    PubSubOidcVerifier pubSubOidcVerifier(IngestProperties properties) {
        IngestProperties.Webhooks webhooks = properties.webhooks();
        return new PubSubOidcVerifier(webhooks.pubsubJwks(), webhooks.pubsubAudience(), webhooks.pubsubIssuers(),
                webhooks.pubsubServiceAccount(), java.time.Clock.systemUTC());
    }

    /** Every route of the service: the webhooks need the webhook credential. */
    @Bean
    RouteRoles ingestRouteRoles() {
        return RouteRoles.builder().post(Access.WEBHOOK, "/notifications/*").build();
    }

    /**
     * Lets requests whose credential needs the body through to the controller, which checks it: an HMAC signature
     * header (when a secret is configured), an OBS/SMN message (when SMN signatures are checked), or anything when
     * unauthenticated webhooks are allowed.
     */
    @Bean
    WebhookProof webhookProof(WebhookAuthenticator authenticator, SmnSignatures smn, SnsMessages sns) {
        return request -> authenticator.allowsUnauthenticated()
                || authenticator.signsBodies() && request.getHeader(WebhookAuthenticator.SIGNATURE_HEADER) != null
                || smn.verifier() != null && request.getRequestURI().endsWith("/notifications/obs")
                || sns.verifier() != null && request.getRequestURI().endsWith("/notifications/s3")
                        && request.getHeader(SnsMessageVerifier.TYPE_HEADER) != null;
    }

    @Bean
    SnsMessages snsMessages(IngestProperties properties) {
        IngestProperties.Sns sns = properties.webhooks().sns();
        if (!sns.enabled()) {
            return new SnsMessages(null, null);
        }
        SnsMessageVerifier verifier = new SnsMessageVerifier(sns.topicArns(), java.util.regex.Pattern.compile(sns.hosts()),
                sns.signingCert().isBlank() ? SnsCertificates.https() : SnsCertificates.local(sns.signingCert()));
        return new SnsMessages(verifier, new SubscriptionConfirmer("SNS", sns.confirmSubscriptions(),
                host -> verifier.allowedHost("https://" + host + "/"), "https on a host matching " + sns.hosts(),
                "sluice.ingest.webhooks.sns.confirm-subscriptions"));
    }

    /**
     * SNS delivery of S3 notifications to {@code POST /notifications/s3}.
     *
     * @param verifier  checks each SNS message; null when SNS is off (no topic configured)
     * @param confirmer answers signed subscription confirmations; null when SNS is off
     */
    record SnsMessages(SnsMessageVerifier verifier, SubscriptionConfirmer confirmer) {}

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
