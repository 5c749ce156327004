package org.spgateway.gateway.ig;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /ig/v1/dry-run?referral=&organisation=}: the IG lead's dry run as JSON (see {@link DryRunService}). */
@RestController
public class DryRunController {

    private final DryRunService dryRun;

    public DryRunController(DryRunService dryRun) {
        this.dryRun = dryRun;
    }

    @GetMapping(value = "/ig/v1/dry-run", produces = MediaType.APPLICATION_JSON_VALUE)
    public String dryRun(@RequestParam("referral") String referralId, @RequestParam("organisation") String organisationId) {
        return dryRun.run(referralId, organisationId).toString();
    }
}
