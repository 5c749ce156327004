package org.spgateway.gateway.vcs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /vcs/v1/events}: a VCS organisation reports progress on a referral routed to it. The request is signed
 * like the webhooks the gateway sends (Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp},
 * {@code webhook-signature}) with the organisation's secret or Ed25519 key, and names the organisation in
 * {@code webhook-organisation}. A repeat of a {@code webhook-id} is answered as before and applied once.
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_VCS)
@SecurityRequirement(name = ApiDocsConfig.SIGNED)
public class VcsEventController {

    private final VcsRequestAuthenticator authenticator;
    private final VcsEventService events;

    public VcsEventController(VcsRequestAuthenticator authenticator, VcsEventService events) {
        this.authenticator = authenticator;
        this.events = events;
    }

    @Operation(summary = "Report progress on a referral routed to you", description = "One signed event per request (see the VcsEvent schemas). Idempotent by webhook-id; events about one referral must not go back in time.")
    @ApiResponse(responseCode = "200", description = "Applied, or already applied (duplicate: true)", content = @Content(schema = @Schema(implementation = ApiModels.EventApplied.class)))
    @ApiResponse(responseCode = "400", description = "Not well-formed JSON, or a webhook-id over 128 characters")
    @ApiResponse(responseCode = "401", description = "Unknown organisation, bad or missing signature, or a timestamp more than 5 minutes off")
    @ApiResponse(responseCode = "404", description = "No such referral is routed to your organisation")
    @ApiResponse(responseCode = "409", description = "The event does not fit the referral's state, or is older than the latest event applied")
    @ApiResponse(responseCode = "413", description = "Body over the size limit")
    @ApiResponse(responseCode = "422", description = "The event does not match its v1 JSON Schema: errors names each field")
    @ApiResponse(responseCode = "429", description = "Too many requests: wait Retry-After seconds")
    @PostMapping(value = "/vcs/v1/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> post(@RequestHeader(value = "webhook-organisation", required = false) String organisation,
                                       @RequestHeader(value = "webhook-id", required = false) String id,
                                       @RequestHeader(value = "webhook-timestamp", required = false) String timestamp,
                                       @RequestHeader(value = "webhook-signature", required = false) String signature,
                                       HttpServletRequest request) throws IOException {
        // The raw bytes, whatever the Content-Type says: they are what was signed, and Spring's own body reading
        // fails with an internal error on some Content-Type values (e.g. a wildcard).
        byte[] bytes = request.getInputStream().readAllBytes();
        DirectoryProperties.Service service = authenticator.authenticate(organisation, id, timestamp, signature, bytes);
        VcsEventService.Applied applied = events.apply(service.id(), id, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(applied.toJson());
    }

}
