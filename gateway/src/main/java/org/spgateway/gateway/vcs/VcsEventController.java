package org.spgateway.gateway.vcs;

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
public class VcsEventController {

    private final VcsRequestAuthenticator authenticator;
    private final VcsEventService events;

    public VcsEventController(VcsRequestAuthenticator authenticator, VcsEventService events) {
        this.authenticator = authenticator;
        this.events = events;
    }

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
