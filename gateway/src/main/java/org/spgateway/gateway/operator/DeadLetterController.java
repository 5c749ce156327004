package org.spgateway.gateway.operator;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.referral.ReplayService;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters for operators: list them (no payloads: they may hold patient data), replay one with the same
 * {@code webhook-id} (receivers deduplicate on it; a referral passes the consent gate again), re-enable an endpoint a receiver withdrew with 410.
 * They need a login with the {@code OPERATOR} role (WebSecurityConfig).
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_OPERATOR)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
public class DeadLetterController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutboxStore store;
    private final ReplayService replays;
    private final Clock clock;

    public DeadLetterController(OutboxStore store, ReplayService replays, Clock clock) {
        this.store = store;
        this.replays = replays;
        this.clock = clock;
    }

    @Operation(summary = "Messages given up on (never their payloads)")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.DeadLetters.class)))
    @GetMapping(value = "/operator/dead-letters", produces = MediaType.APPLICATION_JSON_VALUE)
    public String list() {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode items = answer.putArray("deadLetters");
        for (OutboxStore.Stored m : store.deadLetters()) {
            ObjectNode node = items.addObject();
            node.put("messageId", m.messageId());
            node.put("channel", m.channel().code());
            node.put("destination", m.destination());
            node.put("referralId", m.referralId());
            node.put("eventType", m.eventType());
            node.put("attempts", m.attempts());
            if (m.lastHttpStatus() != null) {
                node.put("lastHttpStatus", m.lastHttpStatus());
            }
            node.put("lastError", m.lastError());
            node.put("createdAt", m.createdAt().toString());
        }
        return answer.toString();
    }

    @Operation(summary = "Send a dead letter again, with the same webhook-id", description = "A referral passes the consent gate again. Audited with the operator's login.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.Replayed.class)))
    @ApiResponse(responseCode = "404", description = "No such dead letter")
    @ApiResponse(responseCode = "409", description = "The patient's consent no longer permits sending it")
    @PostMapping(value = "/operator/dead-letters/{messageId}/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> replay(@PathVariable String messageId) {
        ReplayService.Result result = replays.replay(messageId);
        if (result == ReplayService.Result.NOT_FOUND) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-dead-letter", "Unknown dead letter",
                    "No dead-lettered message " + messageId).toResponse();
        }
        if (result == ReplayService.Result.CONSENT_NO_LONGER_PERMITS) {
            return Problem.of(HttpStatus.CONFLICT, "consent-no-longer-permits", "Consent no longer permits",
                    "The patient's consent no longer permits sending this referral to its service; nothing was sent").toResponse();
        }
        return ResponseEntity.ok("{\"messageId\":\"" + messageId + "\",\"status\":\"pending\"}");
    }

    @Operation(summary = "Re-enable a receiver that answered 410 Gone")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.EndpointEnabled.class)))
    @ApiResponse(responseCode = "404", description = "That endpoint is not disabled")
    @PostMapping(value = "/operator/endpoints/{destination}/enable", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> enable(@PathVariable String destination) {
        if (!store.enableEndpoint(destination, clock.instant())) {
            return Problem.of(HttpStatus.NOT_FOUND, "endpoint-not-disabled", "Endpoint not disabled",
                    destination + " is not disabled").toResponse();
        }
        return ResponseEntity.ok("{\"destination\":\"" + destination + "\",\"disabled\":false}");
    }
}
