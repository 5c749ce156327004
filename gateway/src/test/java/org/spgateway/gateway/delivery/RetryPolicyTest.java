package org.spgateway.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static DeliveryProperties schedule(double jitter, Duration... delays) {
        return new DeliveryProperties(Duration.ofMillis(500), 20, 4, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(10), List.of(delays), jitter, "");
    }

    @Test
    void followsTheScheduleThenGivesUp() {
        RetryPolicy policy = new RetryPolicy(schedule(0, Duration.ofSeconds(5), Duration.ofMinutes(5)));
        assertThat(policy.next(0, NOW, null)).contains(NOW.plusSeconds(5));
        assertThat(policy.next(1, NOW, null)).contains(NOW.plus(Duration.ofMinutes(5)));
        assertThat(policy.next(2, NOW, null)).isEmpty();
    }

    @Test
    void theDefaultScheduleSpansMoreThanThreeDays() {
        DeliveryProperties defaults = schedule(0.2, Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
                Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10), Duration.ofHours(14),
                Duration.ofHours(24), Duration.ofHours(10));
        Duration total = defaults.retrySchedule().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isGreaterThan(Duration.ofDays(3));
    }

    @Test
    void jitterStaysWithinItsFraction() {
        RetryPolicy policy = new RetryPolicy(schedule(0.2, Duration.ofSeconds(100)));
        for (int i = 0; i < 200; i++) {
            Instant next = policy.next(0, NOW, null).orElseThrow();
            assertThat(Duration.between(NOW, next)).isBetween(Duration.ofSeconds(80), Duration.ofSeconds(120));
        }
    }

    @Test
    void retryAfterInSecondsOrAsADateIsHonouredWhenLongerThanTheSchedule() {
        RetryPolicy policy = new RetryPolicy(schedule(0, Duration.ofSeconds(5)));
        assertThat(policy.next(0, NOW, "120")).contains(NOW.plusSeconds(120));
        assertThat(policy.next(0, NOW, "Wed, 25 Nov 2026 10:10:00 GMT")).contains(NOW.plus(Duration.ofMinutes(10)));
        assertThat(policy.next(0, NOW, "1")).contains(NOW.plusSeconds(5));
        assertThat(policy.next(0, NOW, "soon")).contains(NOW.plusSeconds(5));
    }
}
