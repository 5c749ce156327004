package org.spgateway.gateway.limits;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Shape limits for request bodies, checked by a streaming pre-scan before anything parses the body (see
 * {@link BodyPreScan}). The body size itself is {@code spgateway.fhir.max-body-bytes} and the Bundle entry count
 * {@code spgateway.fhir.max-bundle-entries}.
 *
 * @param maxNestingDepth        deepest nesting of JSON objects and arrays, or of XML elements
 * @param maxStringLength        longest JSON string or XML attribute value or text, in characters
 * @param maxNumberLength        longest JSON number, in characters (its exponent is also bounded, see BodyPreScan)
 * @param maxPropertyNameLength  longest JSON property name or XML element/attribute name, in characters
 * @param maxElements            most JSON values (objects, arrays, strings, numbers, literals) or XML elements and
 *                               attributes in one body: the FHIR validator's time grows faster than linearly with the
 *                               number of problems it finds, so a small body of many tiny invalid elements must be
 *                               refused before it is validated
 */
@Validated
@ConfigurationProperties("spgateway.limits")
public record LimitsProperties(
        @DefaultValue("64") @Min(8) @Max(1000) int maxNestingDepth,
        @DefaultValue("262144") @Min(1024) int maxStringLength,
        @DefaultValue("64") @Min(20) @Max(1000) int maxNumberLength,
        @DefaultValue("1024") @Min(64) @Max(100000) int maxPropertyNameLength,
        @DefaultValue("2000") @Min(100) int maxElements) {
}
