package org.spgateway.gateway.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** When to try again: the configured schedule with jitter, never sooner than the receiver's Retry-After. */
final class RetryPolicy {

    private final DeliveryProperties properties;

    RetryPolicy(DeliveryProperties properties) {
        this.properties = properties;
    }

    /** The next attempt after {@code attemptsSoFar} failed ones, or empty when the schedule is exhausted. */
    Optional<Instant> next(int attemptsSoFar, Instant now, String retryAfter) {
        if (attemptsSoFar >= properties.retrySchedule().size()) {
            return Optional.empty();
        }
        Duration delay = properties.retrySchedule().get(attemptsSoFar);
        double spread = properties.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        delay = Duration.ofMillis(Math.max(0, Math.round(delay.toMillis() * (1 + spread))));
        Duration asked = retryAfter(retryAfter, now);
        return Optional.of(now.plus(asked.compareTo(delay) > 0 ? asked : delay));
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3); zero when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (RuntimeException unreadable) {
                return Duration.ZERO;
            }
        }
    }
}
