package io.sluice.ingest.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where SNS's signing certificate comes from, for a {@code SigningCertURL} that already passed the allowed-host check
 * ({@link SnsMessageVerifier}): fetched over HTTPS from that URL (cached per URL), or one certificate configured locally
 * (tests, and deployments that download it out of band).
 */
@FunctionalInterface
interface SnsCertificates {

    /** The certificate the URL serves; throws with a reason when it cannot be had. */
    X509Certificate certificate(URI signingCertUrl) throws IOException, CertificateException;

    /** One configured certificate, PEM inline ({@code -----BEGIN CERTIFICATE-----…}) or a file path, for every URL. */
    static SnsCertificates local(String pemOrPath) {
        X509Certificate certificate;
        try {
            certificate = parse(pemOrPath.strip().startsWith("-----BEGIN") ? pemOrPath.strip().getBytes(StandardCharsets.US_ASCII)
                    : Files.readAllBytes(Path.of(pemOrPath.strip())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SNS signing certificate " + pemOrPath.strip(), e);
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("sluice.ingest.webhooks.sns.signing-cert is not an X.509 certificate in PEM: "
                    + e.getMessage(), e);
        }
        return url -> certificate;
    }

    /**
     * Fetches the certificate over HTTPS (the TLS handshake proves the allowed host served it), at most 64 KiB, within
     * 5 s; keeps the last 16 URLs' certificates.
     */
    static SnsCertificates https() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Map<URI, X509Certificate> cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, X509Certificate> eldest) {
                return size() > 16;
            }
        };
        return url -> {
            synchronized (cache) {
                X509Certificate cached = cache.get(url);
                if (cached != null) {
                    return cached;
                }
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching the signing certificate", e);
            }
            byte[] pem;
            try (InputStream body = response.body()) {
                pem = body.readNBytes(64 * 1024);
            }
            if (response.statusCode() != 200) {
                throw new IOException("the signing certificate URL answered HTTP " + response.statusCode());
            }
            X509Certificate certificate;
            try {
                certificate = parse(pem);
            } catch (ClassCastException e) {
                throw new CertificateException("not an X.509 certificate");
            }
            synchronized (cache) {
                cache.put(url, certificate);
            }
            return certificate;
        };
    }

    private static X509Certificate parse(byte[] pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }
}
