package org.spgateway.gateway.ig;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /ig/v1/dry-run?referral=&organisation=}: the IG lead's dry run as JSON (see {@link DryRunService}). */
@RestController
@Tag(name = ApiDocsConfig.TAG_IG)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
public class DryRunController {

    private final DryRunService dryRun;

    public DryRunController(DryRunService dryRun) {
        this.dryRun = dryRun;
    }

    @Operation(summary = "What would this organisation receive for this referral, and why?", description = "Runs the real consent gate for the organisation's role and the patient's current consent; nothing is sent or recorded as a disclosure (the dry run itself is audited).")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.DryRun.class)))
    @ApiResponse(responseCode = "404", description = "Unknown referral or organisation")
    @GetMapping(value = "/ig/v1/dry-run", produces = MediaType.APPLICATION_JSON_VALUE)
    public String dryRun(@RequestParam("referral") String referralId, @RequestParam("organisation") String organisationId) {
        return dryRun.run(referralId, organisationId).toString();
    }
}
