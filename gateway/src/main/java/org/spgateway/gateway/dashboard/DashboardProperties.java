package org.spgateway.gateway.dashboard;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The dashboard's settings ({@code spgateway.dashboard.*}).
 *
 * @param imdLookupFile a CSV file {@code postcode_prefix,imd_decile} (a full postcode, a sector such as
 *                      {@code LS6 2} or a district such as {@code LS6}; the longest matching prefix wins) built from
 *                      the English Indices of Deprivation (docs/ig-guide.md says how). Empty: the built-in demo
 *                      table, which covers the demo areas only and is labelled as demo data on the page
 * @param weeks         how many weeks the dashboard looks back
 */
@Validated
@ConfigurationProperties("spgateway.dashboard")
public record DashboardProperties(@DefaultValue("") String imdLookupFile,
                                  @DefaultValue("12") @Min(1) @Max(104) int weeks) {
}
