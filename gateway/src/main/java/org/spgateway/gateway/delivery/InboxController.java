package org.spgateway.gateway.delivery;

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
import java.io.IOException;
import java.time.Clock;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.vcs.Problem;
import org.spgateway.gateway.vcs.VcsRequestAuthenticator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pull inbox, for services that run no server: {@code GET /vcs/v1/inbox} lists their pending messages in order,
 * {@code POST /vcs/v1/inbox/{id}/ack} marks one received. Requests are signed like events (Standard Webhooks, with
 * the organisation in {@code webhook-organisation}); a GET signs the empty body.
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_VCS)
@SecurityRequirement(name = ApiDocsConfig.SIGNED)
public class InboxController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutboxStore store;
    private final VcsRequestAuthenticator authenticator;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public InboxController(OutboxStore store, VcsRequestAuthenticator authenticator, ApplicationEventPublisher events,
                           Clock clock) {
        this.store = store;
        this.authenticator = authenticator;
        this.events = events;
        this.clock = clock;
    }

    @Operation(summary = "Your pending messages, oldest first (pull mode)", description = "Sign the empty body. limit: 1 to 200, default 50. A message stays until you acknowledge it.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.InboxPage.class)))
    @ApiResponse(responseCode = "401", description = "Unknown organisation, bad or missing signature")
    @GetMapping(value = "/vcs/v1/inbox", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> list(@RequestHeader(value = "webhook-organisation", required = false) String organisation,
                                       @RequestHeader(value = "webhook-id", required = false) String id,
                                       @RequestHeader(value = "webhook-timestamp", required = false) String timestamp,
                                       @RequestHeader(value = "webhook-signature", required = false) String signature,
                                       @RequestParam(value = "limit", defaultValue = "50") int limit) throws IOException {
        DirectoryProperties.Service service = authenticate(organisation, id, timestamp, signature);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode messages = answer.putArray("messages");
        for (OutboxStore.Stored m : store.inbox(service.id(), Math.max(1, Math.min(limit, 200)))) {
            ObjectNode node = messages.addObject();
            node.put("messageId", m.messageId());
            node.put("type", m.eventType());
            node.put("referralId", m.referralId());
            node.put("createdAt", m.createdAt().toString());
            node.set("payload", JSON.readTree(m.payload()));
        }
        return ResponseEntity.ok(answer.toString());
    }

    @Operation(summary = "Acknowledge a message: you have stored it and it leaves your inbox", description = "Sign the empty body. Acknowledging twice is harmless.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.Acknowledged.class)))
    @ApiResponse(responseCode = "401", description = "Unknown organisation, bad or missing signature")
    @ApiResponse(responseCode = "404", description = "No such message in your inbox")
    @PostMapping(value = "/vcs/v1/inbox/{messageId}/ack", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> acknowledge(@PathVariable String messageId,
                                              @RequestHeader(value = "webhook-organisation", required = false) String organisation,
                                              @RequestHeader(value = "webhook-id", required = false) String id,
                                              @RequestHeader(value = "webhook-timestamp", required = false) String timestamp,
                                              @RequestHeader(value = "webhook-signature", required = false) String signature) {
        DirectoryProperties.Service service = authenticate(organisation, id, timestamp, signature);
        OutboxStore.Stored message = store.find(messageId).filter(m -> m.destination().equals(service.id())
                && m.channel() == OutboxMessage.Channel.VCS_INBOX).orElse(null);
        if (message == null) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-message", "Unknown message",
                    "No message " + messageId + " in your inbox").toResponse();
        }
        if (store.acknowledge(messageId, service.id(), clock.instant())) {
            events.publishEvent(new DeliveryEvents.Delivered(message.messageId(), message.referralId(), message.destination(),
                    message.eventType(), message.channel()));
        }
        return ResponseEntity.ok("{\"messageId\":\"" + messageId + "\",\"status\":\"acknowledged\"}");
    }

    private DirectoryProperties.Service authenticate(String organisation, String id, String timestamp, String signature) {
        return authenticator.authenticate(organisation, id, timestamp, signature, new byte[0]);
    }

}
