package org.spgateway.gateway.delivery;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Delivery settings ({@code spgateway.delivery.*}).
 *
 * @param pollInterval     how often the relay looks for due messages
 * @param batchSize        messages claimed per poll
 * @param parallelism      how many of a claimed batch are sent at once. A batch never holds two messages of one
 *                         referral for one receiver, so this never reorders a referral's events
 * @param lease            how long a claimed message is reserved for this node; after a crash it is claimable again.
 *                         It must outlast one attempt (connect plus response timeout)
 * @param connectTimeout   HTTP connect timeout
 * @param responseTimeout  HTTP response timeout (a timeout is retried)
 * @param retrySchedule    delay before each retry; its length is the number of retries. The default spans more
 *                         than three days, as the Standard Webhooks specification recommends: a small charity's
 *                         server may be down over a weekend
 * @param jitter           fraction of each delay added or removed at random, so retries from many messages spread out
 * @param ed25519PrivateKey base64 32-byte Ed25519 seed the gateway signs {@code v1a} webhooks with; generated at
 *                         start-up (and its public key logged) when empty
 */
@Validated
@ConfigurationProperties("spgateway.delivery")
public record DeliveryProperties(
        @DefaultValue("500ms") @DurationMin(millis = 10) Duration pollInterval,
        @DefaultValue("20") @Min(1) int batchSize,
        @DefaultValue("4") @Min(1) int parallelism,
        @DefaultValue("30s") @DurationMin(seconds = 1) Duration lease,
        @DefaultValue("5s") @DurationMin(millis = 100) Duration connectTimeout,
        @DefaultValue("10s") @DurationMin(millis = 100) Duration responseTimeout,
        @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h", "14h", "24h", "10h"}) @NotEmpty List<Duration> retrySchedule,
        @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
        @DefaultValue("") String ed25519PrivateKey) {
}
