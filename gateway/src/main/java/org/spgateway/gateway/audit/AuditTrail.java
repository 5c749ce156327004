package org.spgateway.gateway.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.WriteSession;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Audits, in the same transaction, what happens to consents (recorded, changed, withdrawn) and to referrals (each
 * Task status change), so the log tells the whole story alongside the disclosures.
 */
@Component
@Order(40)
public class AuditTrail implements ResourceWriteListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog audit;

    public AuditTrail(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void afterWrite(WriteSession session, Resource written, Optional<Resource> previous) {
        if (written instanceof Consent consent) {
            String patient = consent.getPatient().getReferenceElement().getIdPart();
            Consent.ConsentState before = previous.map(p -> ((Consent) p).getStatus()).orElse(null);
            String type = previous.isEmpty() ? "consent.recorded"
                    : consent.getStatus() == Consent.ConsentState.INACTIVE && before != Consent.ConsentState.INACTIVE
                    ? "consent.withdrawn" : "consent.changed";
            ObjectNode details = JSON.createObjectNode();
            details.put("consentId", consent.getIdElement().getIdPart());
            details.put("consentVersion", consent.getMeta().getVersionId());
            details.put("status", consent.getStatus() == null ? null : consent.getStatus().toCode());
            audit.append(new AuditEntry(type, "gp-system", patient, null, null, details));
        } else if (written instanceof Task task) {
            Task.TaskStatus before = previous.map(p -> ((Task) p).getStatus()).orElse(null);
            String businessBefore = previous.map(p -> ((Task) p).getBusinessStatus().getCodingFirstRep().getCode()).orElse(null);
            String business = task.getBusinessStatus().getCodingFirstRep().getCode();
            String ownerBefore = previous.map(p -> ((Task) p).getOwner().getReference()).orElse(null);
            boolean routed = task.hasOwner() && !java.util.Objects.equals(ownerBefore, task.getOwner().getReference());
            if (previous.isPresent() && !routed && before == task.getStatus() && java.util.Objects.equals(businessBefore, business)) {
                return;
            }
            ObjectNode details = JSON.createObjectNode();
            details.put("taskId", task.getIdElement().getIdPart());
            details.put("from", before == null ? null : before.toCode());
            details.put("to", task.getStatus().toCode());
            details.put("businessStatus", business);
            String owner = task.hasOwner() ? task.getOwner().getReferenceElement().getIdPart() : null;
            String type = previous.isEmpty() ? "referral.received"
                    : before == task.getStatus() && java.util.Objects.equals(businessBefore, business) ? "referral.routed"
                    : "referral.status-changed";
            audit.append(new AuditEntry(type, "gateway",
                    task.getFor().getReferenceElement().getIdPart(), owner,
                    task.getFocus().getReferenceElement().getIdPart(), details));
        }
    }
}
