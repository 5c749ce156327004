package org.spgateway.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits each client to {@code spgateway.rate-limit.requests-per-second} with bursts of {@code burst} (Bucket4j token
 * buckets, one per client, held in a bounded Caffeine cache so a flood of new clients cannot grow memory without
 * end). Over the limit the answer is 429 with {@code Retry-After} (whole seconds until a request would be allowed)
 * and an OperationOutcome on {@code /fhir}, problem+json elsewhere.
 *
 * <p>A client is, in this order: the id authentication put in the request attribute {@value #CLIENT_ID_ATTRIBUTE};
 * the client whose credentials on this request verify (on {@code /fhir} a valid SMART access token, checked here so
 * that the limit applies before authentication answers, and a flood of bad tokens is throttled too; on {@code /vcs}
 * the organisation whose Standard Webhooks signature verifies); otherwise the remote address (behind a
 * reverse proxy, set {@code server.forward-headers-strategy} so that is the client's address, not the proxy's). A
 * claimed organisation whose signature does not verify counts as its address, so nobody can spend another
 * organisation's allowance.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    /** Request attribute holding the authenticated client's id, set by authentication. */
    public static final String CLIENT_ID_ATTRIBUTE = "org.spgateway.client-id";

    /** Filter order: after the body is buffered and after any authentication filter, before the body pre-scan. */
    public static final int ORDER = 0;

    private static final long MAX_CLIENTS = 100_000;

    private final RateLimitProperties properties;
    private final Function<HttpServletRequest, Optional<String>> identified;
    private final Cache<String, Bucket> buckets;

    /**
     * @param identified the key of the client whose credentials on this request verify (for example
     *                   {@code client:<id>} for a valid access token, {@code vcs:<organisation>} for a valid signature), if any
     */
    public RateLimitFilter(RateLimitProperties properties, Function<HttpServletRequest, Optional<String>> identified) {
        this.properties = properties;
        this.identified = identified;
        // A bucket untouched for as long as it takes to refill completely is the same as a new one: forget it then.
        long refillSeconds = Math.max(1, (properties.burst() + properties.requestsPerSecond() - 1) / properties.requestsPerSecond());
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(Duration.ofSeconds(refillSeconds + 1))
                .build();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!properties.enabled()) {
            chain.doFilter(request, response);
            return;
        }
        ConsumptionProbe probe = buckets.get(clientOf(request), key -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        response.setHeader("Retry-After", Long.toString(retryAfter));
        FilterAnswers.refuse(request, response, 429, IssueType.THROTTLED, "rate-limited", "Too many requests",
                "Too many requests from this client; retry after " + retryAfter + " second" + (retryAfter == 1 ? "" : "s"));
    }

    /** The key the request is counted under; the prefixes keep the three kinds of client apart. */
    String clientOf(HttpServletRequest request) {
        Object clientId = request.getAttribute(CLIENT_ID_ATTRIBUTE);
        if (clientId != null && !clientId.toString().isBlank()) {
            return "client:" + clientId;
        }
        Optional<String> client = identified.apply(request);
        if (client.isPresent()) {
            return client.get();
        }
        return "address:" + request.getRemoteAddr();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(properties.burst())
                        .refillGreedy(properties.requestsPerSecond(), Duration.ofSeconds(1)))
                .build();
    }
}
