package io.sluice.training.modelarts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AkSkSignerTests {

    // the published example of the Huawei Cloud Java SDK's own signer test (huaweicloud-sdk-java-v3, core, TestAKSKSigner)
    static final String EXAMPLE_AK = "QTWAOYTTINDUT2QVKYUC";
    static final String EXAMPLE_SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

    static Map<String, String> exampleHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Sdk-Date", "20191115T033655Z");
        headers.put("Host", "service.region.example.com");
        return headers;
    }

    @Test
    void reproducesTheHuaweiCloudSdkTestVector() {
        String authorization = new AkSkSigner(EXAMPLE_AK, EXAMPLE_SK).authorization("GET",
                URI.create("https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?marker=13551d6b-755d-4757-b956-536f674975c0&limit=2"),
                exampleHeaders(), new byte[0]);

        assertThat(authorization).isEqualTo("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, "
                + "Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
    }

    @Test
    void buildsTheCanonicalRequestWithATrailingSlashSortedQueryAndBodyHash() {
        Map<String, String> headers = new java.util.TreeMap<>(Map.of("host", "h", "x-sdk-date", "20240101T000000Z"));

        String canonical = AkSkSigner.canonicalRequest("post", URI.create("https://h/v2/p/training-jobs?b=2&a=x%20y&a=1"), headers,
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(canonical).isEqualTo("POST\n/v2/p/training-jobs/\na=x%20y&a=1&b=2\nhost:h\nx-sdk-date:20240101T000000Z\n\n"
                + "host;x-sdk-date\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }

    @Test
    void signsTheBodySoThatAnAlteredBodyGetsAnotherSignature() {
        AkSkSigner signer = new AkSkSigner(EXAMPLE_AK, EXAMPLE_SK);
        URI uri = URI.create("https://service.region.example.com/v2/p/training-jobs");

        String one = signer.authorization("POST", uri, exampleHeaders(), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        String other = signer.authorization("POST", uri, exampleHeaders(), "{\"a\":2}".getBytes(StandardCharsets.UTF_8));

        assertThat(one).isNotEqualTo(other);
    }

    @Test
    void formatsTheSigningTimeAsSdkDateInUtc() {
        assertThat(AkSkSigner.sdkDate(Instant.parse("2019-11-15T03:36:55.123Z"))).isEqualTo("20191115T033655Z");
        assertThat(AkSkSigner.sdkDate(Clock.fixed(Instant.parse("2024-02-29T23:59:59Z"), ZoneOffset.ofHours(8)).instant()))
                .isEqualTo("20240229T235959Z");
    }

    @Test
    void neverShowsTheSecretKey() {
        AkSkSigner signer = new AkSkSigner(EXAMPLE_AK, EXAMPLE_SK);
        ModelArtsAuthentication auth = ModelArtsAuthentication.akSk(EXAMPLE_AK, EXAMPLE_SK, "p", Clock.systemUTC());

        assertThat(signer.toString()).contains(EXAMPLE_AK).doesNotContain(EXAMPLE_SK);
        assertThat(auth.toString()).doesNotContain(EXAMPLE_SK);
        assertThat(signer.authorization("GET", URI.create("https://h/"), exampleHeaders(), new byte[0])).doesNotContain(EXAMPLE_SK);
    }

    @Test
    void refusesIncompleteKeysAndUnsignableHeaders() {
        assertThatThrownBy(() -> new AkSkSigner(EXAMPLE_AK, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AkSkSigner(EXAMPLE_AK, EXAMPLE_SK).authorization("GET", URI.create("https://h/"), Map.of("Host", "h"),
                new byte[0])).hasMessageContaining("X-Sdk-Date");
    }
}
