package org.spgateway.gateway.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How incoming FHIR bodies are validated (docs/performance.md).
 *
 * @param fastPath           accept bodies the compiled checks fully cover without running the full HL7 validator
 *                           (same verdict, proven by FastPathDifferentialTest); false runs the full validator on every body
 * @param maxConcurrentFull  most full-validator runs at once; the others wait their turn. The full validator holds tens of
 *                           megabytes per run, so unbounded concurrency under a burst exhausts the heap; 0 means the
 *                           number of processors
 */
@Validated
@ConfigurationProperties("spgateway.validation")
public record ValidationProperties(
        @DefaultValue("true") boolean fastPath,
        @DefaultValue("0") @Min(0) int maxConcurrentFull) {

    public static ValidationProperties defaults() {
        return new ValidationProperties(true, 0);
    }
}
