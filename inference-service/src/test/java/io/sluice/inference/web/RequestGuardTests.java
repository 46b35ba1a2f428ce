package io.sluice.inference.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestGuardTests {

    @Test
    void letsEverythingThroughWhenNoKeysAreConfigured() throws Exception {
        RequestGuard guard = new RequestGuard(List.of(), 1, 1_000);
        for (int i = 0; i < 5; i++) {
            assertThat(call(guard, "/v2/models/m/infer", null, null, 10).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void requiresAValidKeyInEitherHeader() throws Exception {
        RequestGuard guard = new RequestGuard(List.of("k-one", "k-two"), 0, 1_000);
        MockHttpServletResponse missing = call(guard, "/v2/models/m/infer", null, null, 10);
        assertThat(missing.getStatus()).isEqualTo(401);
        assertThat(missing.getContentAsString()).doesNotContain("k-one");
        assertThat(call(guard, "/v2/models/m/infer", "X-API-Key", "wrong", 10).getStatus()).isEqualTo(401);
        assertThat(call(guard, "/v2/models/m/infer", "X-API-Key", "k-two", 10).getStatus()).isEqualTo(200);
        assertThat(call(guard, "/v2/models/m/infer", "Authorization", "Bearer k-one", 10).getStatus()).isEqualTo(200);
        assertThat(call(guard, "/v2/health/ready", null, null, 10).getStatus()).as("probes stay open").isEqualTo(200);
    }

    @Test
    void holdsEachKeyToItsOwnRateLimit() throws Exception {
        RequestGuard guard = new RequestGuard(List.of("a", "b"), 3, 1_000);
        int allowed = 0;
        MockHttpServletResponse last = null;
        for (int i = 0; i < 10; i++) {
            last = call(guard, "/v2/models/m/predict", "X-API-Key", "a", 10);
            allowed += last.getStatus() == 200 ? 1 : 0;
        }
        assertThat(allowed).isBetween(3, 6); // 3 per second; a refresh may fall inside the loop
        assertThat(last.getStatus()).isEqualTo(429);
        assertThat(last.getHeader("Retry-After")).isEqualTo("1");
        assertThat(call(guard, "/v2/models/m/predict", "X-API-Key", "b", 10).getStatus()).isEqualTo(200);
    }

    @Test
    void refusesBodiesOverTheSizeLimit() throws Exception {
        RequestGuard guard = new RequestGuard(List.of(), 0, 100);
        assertThat(call(guard, "/v2/models/m/infer", null, null, 101).getStatus()).isEqualTo(413);
        assertThat(call(guard, "/v2/models/m/infer", null, null, 100).getStatus()).isEqualTo(200);
    }

    private static MockHttpServletResponse call(RequestGuard guard, String path, String header, String value, int bodyBytes)
            throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
        request.setContent(new byte[bodyBytes]);
        if (header != null) {
            request.addHeader(header, value);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        guard.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
