package org.spgateway.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The FHIR endpoint's limits.
 *
 * @param maxBodyBytes    largest request body accepted; larger ones get 413 before anything is parsed
 * @param defaultPageSize search page size when the client gives no _count
 * @param maxPageSize     largest _count honoured
 * @param maxBundleEntries largest transaction Bundle accepted
 * @param searchTotalCap  a search counts its matches for Bundle.total up to this many; beyond, the total is given
 *                        only when asked for ({@code _total=accurate}, {@code _summary=count}), as an exact count reads
 *                        every match
 */
@Validated
@ConfigurationProperties("spgateway.fhir")
public record FhirProperties(
        @DefaultValue("1000000") @Min(1024) long maxBodyBytes,
        @DefaultValue("20") @Min(1) @Max(1000) int defaultPageSize,
        @DefaultValue("200") @Min(1) @Max(1000) int maxPageSize,
        @DefaultValue("100") @Min(1) @Max(10000) int maxBundleEntries,
        @DefaultValue("200") @Min(1) @Max(100000) int searchTotalCap) {
}
