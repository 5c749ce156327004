package org.spgateway.gateway.limits;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-client rate limit on {@code /fhir}, {@code /vcs} and {@code /oauth}: a token bucket per client that holds
 * {@code burst} requests and refills at {@code requests-per-second}. The defaults are far above what a GP system or
 * a VCS organisation sends (a referral is a request or two), so only a runaway or hostile client meets them.
 *
 * @param enabled           false turns the limit off (e.g. behind a gateway that already limits)
 * @param requestsPerSecond sustained rate per client
 * @param burst             requests a client may send at once before the sustained rate applies
 */
@Validated
@ConfigurationProperties("spgateway.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("50") @Min(1) long requestsPerSecond,
        @DefaultValue("200") @Min(1) long burst) {
}
