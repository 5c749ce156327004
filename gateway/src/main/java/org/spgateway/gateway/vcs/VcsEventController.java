package org.spgateway.gateway.vcs;

import java.time.Clock;
import java.time.Duration;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /vcs/v1/events}: a VCS organisation reports progress on a referral routed to it. The request is signed
 * like the webhooks the gateway sends (Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp},
 * {@code webhook-signature}) with the organisation's secret or Ed25519 key, and names the organisation in
 * {@code webhook-organisation}. A repeat of a {@code webhook-id} is answered as before and applied once.
 */
@RestController
public class VcsEventController {

    private final DirectoryProperties directory;
    private final VcsEventService events;
    private final Clock clock;
    private final Duration tolerance;

    public VcsEventController(DirectoryProperties directory, VcsEventService events, Clock clock,
                              @Value("${spgateway.vcs.signature-tolerance:PT5M}") Duration tolerance) {
        this.directory = directory;
        this.events = events;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    @PostMapping(value = "/vcs/v1/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> post(@RequestHeader(value = "webhook-organisation", required = false) String organisation,
                                       @RequestHeader(value = "webhook-id", required = false) String id,
                                       @RequestHeader(value = "webhook-timestamp", required = false) String timestamp,
                                       @RequestHeader(value = "webhook-signature", required = false) String signature,
                                       @RequestBody(required = false) byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        DirectoryProperties.Service service = organisation == null ? null : directory.service(organisation).orElse(null);
        if (service == null) {
            return unauthorised("Name your organisation in the webhook-organisation header, as registered with the gateway");
        }
        StandardWebhooks.Verification verification = StandardWebhooks.verify(id, timestamp, signature, bytes,
                service.signingSecrets(), service.ed25519PublicKeys(), clock.instant(), tolerance);
        if (!verification.valid()) {
            return unauthorised(verification.reason());
        }
        VcsEventService.Applied applied = events.apply(service.id(), id, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(applied.toJson());
    }

    private static ResponseEntity<String> unauthorised(String detail) {
        return Problem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Not authenticated", detail).toResponse();
    }

    @ExceptionHandler(Problem.Exception.class)
    public ResponseEntity<String> problem(Problem.Exception e) {
        return e.problem().toResponse();
    }
}
