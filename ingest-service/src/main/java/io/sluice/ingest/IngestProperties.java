package io.sluice.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.sluice.ingest.domain.ValidationRules;

/**
 * Settings of the ingest-service (prefix {@code sluice.ingest}).
 *
 * @param rawBucket      raw-data bucket (or prefix) that uploads land in, ending with '/'; datasets live under datasets/<name>/
 * @param trainingBucket bucket that validated dataset manifests are written to, ending with '/'
 * @param quietPeriod    a dataset without a completion marker is complete after this long without new objects
 * @param scanOnStart    whenever partitions of the notifications topic are assigned to this replica (on start and
 *                       when another replica leaves), look at every dataset they own in the raw bucket that has a
 *                       completion marker, so uploads finished while no replica owned them are not lost (published
 *                       versions are skipped)
 * @param claimTimeout   a claim to publish a version ({@code _PUBLISHED} saying CLAIMED) older than this belongs to a
 *                       replica that died between claiming and publishing; another replica then takes it over
 * @param parallelism    threads that read, hash and check a dataset's files; 0 (default): one per available core
 * @param webhooks       authentication and limits of {@code POST /notifications/*}
 * @param watch          the folder watcher for a {@code file:} raw bucket
 * @param validation     validation thresholds and the action of each rule
 */
@Validated
@ConfigurationProperties("sluice.ingest")
public record IngestProperties(@NotNull URI rawBucket,
                               @NotNull URI trainingBucket,
                               @NotNull @DefaultValue("30s") Duration quietPeriod,
                               @DefaultValue("true") boolean scanOnStart,
                               @NotNull @DefaultValue("5m") Duration claimTimeout,
                               @DefaultValue("0") @Min(0) int parallelism,
                               @Valid @NotNull @DefaultValue Webhooks webhooks,
                               @Valid @NotNull @DefaultValue Watch watch,
                               @Valid @NotNull @DefaultValue Validation validation) {

    /** Threads that read, hash and check a dataset's files. */
    public int assemblyThreads() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Webhook authentication: a request passes with a webhook key (platform's {@code sluice.security.keys}, role
     * {@code webhook}, or the admin token; {@code Authorization: Bearer …}), with an HMAC signature
     * ({@code X-Sluice-Signature: sha256=<hex HMAC-SHA256 of the body>}), or, on {@code /notifications/obs} when SMN
     * signatures are checked, with a valid SMN signature.
     *
     * @param token                one more webhook key, given in plain (env {@code SLUICE_INGEST_WEBHOOKS_TOKEN}), hashed on
     *                             start into platform's keys with role webhook; empty: none (prefer hashed keys)
     * @param hmacSecret           HMAC-SHA256 key; empty disables signature authentication
     * @param allowUnauthenticated accept requests without credentials (only for tests and closed networks)
     * @param maxBodyBytes         larger bodies are refused with 413
     * @param confirmSubscriptions visit SMN's subscribe_url to confirm a subscription (HTTPS only, hosts below)
     * @param confirmHosts         host suffixes SMN subscribe URLs may point to
     * @param smnSigningCert       SMN's signing certificate, PEM inline or a file path; when set, every
     *                             {@code POST /notifications/obs} must carry a valid SMN v1 signature, which then
     *                             authenticates it; empty (default) skips the check
     * @param smnTopicUrns         SMN topics whose signed messages are accepted; empty accepts any topic
     * @param pubsubAudience       the audience Pub/Sub push subscriptions were created with; set (with {@code pubsubJwks}) to
     *                             accept their OIDC tokens ({@code Authorization: Bearer <JWT>}); empty (default): off
     * @param pubsubJwks           Google's signing keys (the JWKS of https://www.googleapis.com/oauth2/v3/certs), inline
     *                             JSON or a file path, fetched out of band (nothing is fetched at run time)
     * @param pubsubIssuers        accepted token issuers
     * @param pubsubServiceAccount the push subscription's service account (the token's verified {@code email}); empty: any
     * @param sns                  S3 notifications delivered by Amazon SNS to {@code POST /notifications/s3}
     */
    public record Webhooks(@DefaultValue("") String token,
                           @DefaultValue("") String hmacSecret,
                           @DefaultValue("false") boolean allowUnauthenticated,
                           @DefaultValue("1048576") @Positive int maxBodyBytes,
                           @DefaultValue("false") boolean confirmSubscriptions,
                           @DefaultValue({".myhuaweicloud.com", ".huaweicloud.com"}) List<String> confirmHosts,
                           @DefaultValue("") String smnSigningCert,
                           @DefaultValue List<String> smnTopicUrns,
                           @DefaultValue("") String pubsubAudience,
                           @DefaultValue("") String pubsubJwks,
                           @DefaultValue({"https://accounts.google.com", "accounts.google.com"}) List<String> pubsubIssuers,
                           @DefaultValue("") String pubsubServiceAccount,
                           @Valid @NotNull @DefaultValue Sns sns) {

        @Override
        public String toString() { // never print the secrets
            return "Webhooks[token=" + (token.isEmpty() ? "" : "***") + ", hmacSecret=" + (hmacSecret.isEmpty() ? "" : "***")
                    + ", allowUnauthenticated=" + allowUnauthenticated + ", maxBodyBytes=" + maxBodyBytes
                    + ", smnSignatures=" + (smnSigningCert.isBlank() ? "off" : "on") + ", smnTopicUrns=" + smnTopicUrns + ", sns=" + sns + "]";
        }
    }

    /**
     * Amazon SNS HTTP(S) delivery of S3 notifications: on when a topic is listed. Every SNS message (header
     * {@code x-amz-sns-message-type}) must then carry a valid SNS signature (versions 1 and 2), which authenticates it.
     *
     * @param topicArns            topics whose messages are accepted (SNS signs every account's messages with the same
     *                             key, so the topic is what identifies the sender); empty (default): SNS messages are
     *                             refused
     * @param hosts                regular expression the whole host of {@code SigningCertURL} and {@code SubscribeURL}
     *                             must match (HTTPS, default port); certificates are fetched only from such URLs
     * @param signingCert          the signing certificate, PEM inline or a file path, used instead of fetching
     *                             {@code SigningCertURL} (tests, and networks that cannot reach AWS); empty: fetch it
     * @param confirmSubscriptions visit the {@code SubscribeURL} of a signed {@code SubscriptionConfirmation}; off: confirm
     *                             it in the SNS console
     */
    public record Sns(@DefaultValue List<String> topicArns,
                      @NotNull @DefaultValue("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?") String hosts,
                      @DefaultValue("") String signingCert,
                      @DefaultValue("false") boolean confirmSubscriptions) {

        /** Whether SNS messages are accepted at all. */
        public boolean enabled() {
            return !topicArns.isEmpty();
        }
    }

    /**
     * @param enabled watch the raw bucket's folder when it is a {@code file:} URI
     */
    public record Watch(@DefaultValue("true") boolean enabled) {}

    /**
     * @param minSamplesPerClass fewest samples a class may have
     * @param minClasses         fewest classes a dataset may have
     * @param maxImbalanceRatio  largest ratio between the biggest and the smallest class
     * @param csvLabelColumn     CSV label column unless the dataset's manifest.json names one ({@code labelColumn})
     * @param classes            expected class names; empty accepts any (a dataset's manifest.json may declare {@code classes})
     * @param actions            rule id to REJECT, WARN or IGNORE; see {@link ValidationRules#DEFAULT_ACTIONS}
     */
    public record Validation(@DefaultValue("5") @Min(1) int minSamplesPerClass,
                             @DefaultValue("2") @Min(1) int minClasses,
                             @DefaultValue("10") @DecimalMin("1") double maxImbalanceRatio,
                             @DefaultValue("label") String csvLabelColumn,
                             @DefaultValue List<String> classes,
                             @DefaultValue Map<String, ValidationRules.Action> actions) {

        ValidationRules toRules() {
            return new ValidationRules(minSamplesPerClass, minClasses, maxImbalanceRatio, csvLabelColumn, classes, actions);
        }
    }
}
