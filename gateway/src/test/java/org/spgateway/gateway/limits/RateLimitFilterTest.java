package org.spgateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Who counts as a client, and what an over-limit client hears. */
class RateLimitFilterTest {

    private final RateLimitFilter filter = new RateLimitFilter(new RateLimitProperties(true, 1, 2),
            request -> "good".equals(request.getHeader("webhook-signature"))
                    ? Optional.ofNullable(request.getHeader("webhook-organisation")).map(o -> "vcs:" + o) : Optional.empty());

    private static MockHttpServletRequest request(String path, String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRemoteAddr(address);
        return request;
    }

    private MockHttpServletResponse send(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }

    @Test
    void theAuthenticatedIdComesFirstThenAVerifiedOrganisationThenTheAddress() {
        MockHttpServletRequest request = request("/vcs/v1/inbox", "10.0.0.1");
        assertThat(filter.clientOf(request)).isEqualTo("address:10.0.0.1");
        request.addHeader("webhook-organisation", "vcs-a");
        request.addHeader("webhook-signature", "forged");
        assertThat(filter.clientOf(request)).as("an unverified claim counts as the address").isEqualTo("address:10.0.0.1");
        MockHttpServletRequest signed = request("/vcs/v1/inbox", "10.0.0.1");
        signed.addHeader("webhook-organisation", "vcs-a");
        signed.addHeader("webhook-signature", "good");
        assertThat(filter.clientOf(signed)).isEqualTo("vcs:vcs-a");
        signed.setAttribute(RateLimitFilter.CLIENT_ID_ATTRIBUTE, "gp-system-7");
        assertThat(filter.clientOf(signed)).isEqualTo("client:gp-system-7");
    }

    @Test
    void pastTheBurstAFhirClientGets429WithRetryAfterAndAnOperationOutcome() throws Exception {
        assertThat(send(request("/fhir/Patient", "10.0.0.2")).getStatus()).isEqualTo(200);
        assertThat(send(request("/fhir/Patient", "10.0.0.2")).getStatus()).isEqualTo(200);
        MockHttpServletResponse refused = send(request("/fhir/Patient", "10.0.0.2"));
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentType()).startsWith("application/fhir+json");
        assertThat(refused.getContentAsString()).contains("\"resourceType\":\"OperationOutcome\"").contains("\"code\":\"throttled\"");
        // another address, and the same address authenticated as a client, have their own allowances
        assertThat(send(request("/fhir/Patient", "10.0.0.3")).getStatus()).isEqualTo(200);
        MockHttpServletRequest authenticated = request("/fhir/Patient", "10.0.0.2");
        authenticated.setAttribute(RateLimitFilter.CLIENT_ID_ATTRIBUTE, "gp-system-7");
        assertThat(send(authenticated).getStatus()).isEqualTo(200);
    }

    @Test
    void elsewhereTheRefusalIsProblemJson() throws Exception {
        send(request("/oauth/token", "10.0.0.4"));
        send(request("/oauth/token", "10.0.0.4"));
        MockHttpServletResponse refused = send(request("/oauth/token", "10.0.0.4"));
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getContentType()).startsWith("application/problem+json");
        assertThat(refused.getContentAsString()).contains("\"status\":429").contains("rate-limited");
    }

    @Test
    void disabledItNeverRefuses() throws Exception {
        RateLimitFilter off = new RateLimitFilter(new RateLimitProperties(false, 1, 1), request -> Optional.empty());
        for (int i = 0; i < 5; i++) {
            MockHttpServletResponse response = new MockHttpServletResponse();
            off.doFilter(request("/fhir/Patient", "10.0.0.5"), response, new MockFilterChain());
            assertThat(response.getStatus()).isEqualTo(200);
        }
    }
}
