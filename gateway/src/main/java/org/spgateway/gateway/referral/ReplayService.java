package org.spgateway.gateway.referral;

import java.util.Optional;
import org.spgateway.consent.disclosure.GatedPayload;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.sharing.DisclosureRecords;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Service;

/**
 * Replays a dead letter. A replayed referral passes the consent gate again (the one seam every outbound payload
 * passes): the payload is rebuilt under today's policy and consent, keeps its webhook-id, and gets a new disclosure
 * record, all in one transaction; if consent no longer permits, the replay is refused and nothing is sent.
 */
@Service
public class ReplayService {

    /** The outcome of a replay request. */
    public enum Result { REPLAYED, NOT_FOUND, CONSENT_NO_LONGER_PERMITS }

    private final ResourceWriteService writes;
    private final OutboxStore outbox;
    private final ReferralDispatcher dispatcher;
    private final DirectoryProperties directory;
    private final DisclosureRecords disclosures;
    private final AuditLog audit;

    public ReplayService(ResourceWriteService writes, OutboxStore outbox, ReferralDispatcher dispatcher,
                         DirectoryProperties directory, DisclosureRecords disclosures, AuditLog audit) {
        this.writes = writes;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.disclosures = disclosures;
        this.audit = audit;
    }

    public Result replay(String messageId) {
        Result result = attempt(messageId);
        com.fasterxml.jackson.databind.node.ObjectNode details = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        details.put("messageId", messageId);
        details.put("result", result.name());
        Optional<OutboxStore.Stored> message = outbox.find(messageId);
        audit.appendAlone(new AuditEntry("dead-letter.replayed", org.spgateway.gateway.security.Roles.actor(
                org.spgateway.gateway.security.Roles.OPERATOR, "operator"), null,
                message.map(OutboxStore.Stored::destination).orElse(null),
                message.map(OutboxStore.Stored::referralId).orElse(null), details));
        return result;
    }

    private Result attempt(String messageId) {
        Optional<OutboxStore.Stored> found = outbox.find(messageId).filter(m -> "dead".equals(m.status()));
        if (found.isEmpty()) {
            return Result.NOT_FOUND;
        }
        OutboxStore.Stored message = found.get();
        if (message.channel() == OutboxMessage.Channel.GP_PUSH || !"referral.created".equals(message.eventType())) {
            return outbox.replay(messageId, java.time.Instant.now()) ? Result.REPLAYED : Result.NOT_FOUND;
        }
        DirectoryProperties.Service service = directory.service(message.destination()).orElse(null);
        if (service == null) {
            return Result.NOT_FOUND;
        }
        return writes.inTransaction(session -> {
            GatedPayload gated = dispatcher.prepare(session, message.referralId(), service, messageId);
            if (gated.awaitingConsent()) {
                return Result.CONSENT_NO_LONGER_PERMITS;
            }
            outbox.replacePayload(messageId, gated.payload().toString());
            disclosures.save(gated.record(), message.referralId());
            outbox.replay(messageId, session.now());
            return Result.REPLAYED;
        });
    }
}
