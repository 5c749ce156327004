package org.spgateway.gateway.vcs;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Authenticates a request from a VCS organisation: it names itself in {@code webhook-organisation} and signs the
 * request the Standard Webhooks way with one of its registered secrets or Ed25519 keys, within the replay window
 * ({@code spgateway.vcs.signature-tolerance}, default 5 minutes). The one place this check lives.
 */
@Component
public class VcsRequestAuthenticator {

    private final DirectoryProperties directory;
    private final Clock clock;
    private final Duration tolerance;
    private final AuditLog audit;

    public VcsRequestAuthenticator(DirectoryProperties directory, Clock clock,
                                   @Value("${spgateway.vcs.signature-tolerance:PT5M}") Duration tolerance, AuditLog audit) {
        this.directory = directory;
        this.clock = clock;
        this.tolerance = tolerance;
        this.audit = audit;
    }

    /** Longest {@code webhook-id} accepted: the idempotency record keeps it (inbound_event.webhook_id). */
    public static final int MAX_WEBHOOK_ID_LENGTH = 128;

    /**
     * The calling service, or a 401 problem saying what is wrong (never which secret was tried); a 400 problem for a
     * {@code webhook-id} longer than {@value #MAX_WEBHOOK_ID_LENGTH} characters.
     */
    public DirectoryProperties.Service authenticate(String organisation, String id, String timestamp, String signature,
                                                    byte[] body) {
        if (id != null && id.length() > MAX_WEBHOOK_ID_LENGTH) {
            throw new Problem.Exception(Problem.of(HttpStatus.BAD_REQUEST, "invalid-header", "Invalid header",
                    "webhook-id must be at most " + MAX_WEBHOOK_ID_LENGTH + " characters"));
        }
        DirectoryProperties.Service service = organisation == null ? null : directory.service(organisation).orElse(null);
        if (service == null) {
            throw unauthorised(organisation, "Name your organisation in the webhook-organisation header, as registered with the gateway");
        }
        StandardWebhooks.Verification verification = StandardWebhooks.verify(id, timestamp, signature, body,
                service.signingSecrets(), service.ed25519PublicKeys(), clock.instant(), tolerance);
        if (!verification.valid()) {
            throw unauthorised(organisation, verification.reason());
        }
        return service;
    }

    /**
     * The organisation that validly signed a request, if one did; refuses nothing and records nothing. For deciding
     * whose allowance a request counts against before it reaches its controller (which authenticates it properly).
     */
    public Optional<String> verifiedOrganisation(String organisation, String id, String timestamp, String signature,
                                                 byte[] body) {
        DirectoryProperties.Service service = organisation == null ? null : directory.service(organisation).orElse(null);
        if (service == null) {
            return Optional.empty();
        }
        return StandardWebhooks.verify(id, timestamp, signature, body, service.signingSecrets(),
                service.ed25519PublicKeys(), clock.instant(), tolerance).valid() ? Optional.of(service.id()) : Optional.empty();
    }

    /** Refuses, and records the failed attempt in the audit log (who claimed to call, and why it failed). */
    private Problem.Exception unauthorised(String organisation, String detail) {
        com.fasterxml.jackson.databind.node.ObjectNode details = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        details.put("claimedOrganisation", organisation == null ? null
                : organisation.length() > 64 ? organisation.substring(0, 64) : organisation);
        details.put("reason", detail);
        audit.appendAlone(new AuditEntry("auth.failed", "unauthenticated", null, null, null, details));
        return new Problem.Exception(Problem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Not authenticated", detail));
    }
}
