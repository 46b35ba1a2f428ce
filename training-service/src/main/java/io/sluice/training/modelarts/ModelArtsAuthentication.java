package io.sluice.training.modelarts;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * How ModelArts requests are authenticated: an IAM token ({@code X-Auth-Token}) or AK/SK request
 * signing ({@link AkSkSigner}). Either way credentials go into request headers only, never into
 * logs, exception messages or {@code toString()}.
 */
public sealed interface ModelArtsAuthentication extends ClientHttpRequestInterceptor {

    /** What to check when ModelArts answers 401/403, for the run's failure reason. */
    String refusalHint();

    /** Authenticates with an IAM token, fetched per request (so a refreshed token is picked up). */
    static ModelArtsAuthentication iamToken(Supplier<String> token) {
        return new IamToken(token);
    }

    /**
     * Authenticates by signing every request with an access key / secret key pair.
     *
     * @param projectId sent as {@code X-Project-Id} (and signed), as the Huawei Cloud SDKs do for project-scoped services; may be blank
     * @param clock     signing time ({@code X-Sdk-Date}); API Gateway refuses signatures more than 15 minutes off its clock
     */
    static ModelArtsAuthentication akSk(String accessKey, String secretKey, String projectId, Clock clock) {
        return new AkSk(new AkSkSigner(accessKey, secretKey), projectId, clock);
    }

    /** {@code X-Auth-Token} authentication. */
    record IamToken(Supplier<String> token) implements ModelArtsAuthentication {

        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
            request.getHeaders().set("X-Auth-Token", token.get());
            return execution.execute(request, body);
        }

        @Override
        public String refusalHint() {
            return "check the IAM token (sluice.training.modelarts.token) and the project id";
        }

        @Override
        public String toString() {
            return "IamToken[***]";
        }
    }

    /**
     * {@code SDK-HMAC-SHA256} signing of the method, path, query, body and the headers {@code Content-Type}
     * (when present), {@code Host}, {@code X-Project-Id} (when set) and {@code X-Sdk-Date}.
     */
    record AkSk(AkSkSigner signer, String projectId, Clock clock) implements ModelArtsAuthentication {

        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
            HttpHeaders headers = request.getHeaders();
            String date = AkSkSigner.sdkDate(clock.instant());
            headers.set(AkSkSigner.DATE_HEADER, date);
            if (projectId != null && !projectId.isBlank()) {
                headers.set("X-Project-Id", projectId);
            }
            Map<String, String> signed = new LinkedHashMap<>();
            if (headers.getContentType() != null) {
                signed.put(HttpHeaders.CONTENT_TYPE, headers.getFirst(HttpHeaders.CONTENT_TYPE));
            }
            // the HTTP client writes Host itself (it may not be set by hand): sign the value it will send
            signed.put(HttpHeaders.HOST, host(request.getURI()));
            if (projectId != null && !projectId.isBlank()) {
                signed.put("X-Project-Id", projectId);
            }
            signed.put(AkSkSigner.DATE_HEADER, date);
            headers.set(HttpHeaders.AUTHORIZATION, signer.authorization(request.getMethod().name(), request.getURI(), signed, body));
            return execution.execute(request, body);
        }

        /** Host as HTTP clients send it: host, plus the port unless it is the scheme's default. */
        static String host(URI uri) {
            int port = uri.getPort();
            boolean defaultPort = port == -1 || port == 443 && "https".equalsIgnoreCase(uri.getScheme())
                    || port == 80 && "http".equalsIgnoreCase(uri.getScheme());
            return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
        }

        @Override
        public String refusalHint() {
            return "the AK/SK signature was refused: check sluice.training.modelarts.ak and sluice.training.modelarts.sk, the project id, and this machine's clock "
                    + "(X-Sdk-Date must be within 15 minutes of Huawei Cloud's)";
        }

        @Override
        public String toString() {
            return "AkSk[" + signer + ", projectId=" + projectId + "]";
        }
    }
}
