package org.spgateway.gateway.sharing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.spgateway.consent.policy.SharingPolicy;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Records in the audit log which sharing policy version the gateway started with ({@code policy.loaded}). */
@Component
public class PolicyLoadedAudit {

    private final SharingPolicy policy;
    private final AuditLog audit;
    private final String policyFile;

    public PolicyLoadedAudit(SharingPolicy policy, AuditLog audit, @Value("${spgateway.sharing.policy-file:}") String policyFile) {
        this.policy = policy;
        this.audit = audit;
        this.policyFile = policyFile;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void loaded() {
        ObjectNode details = new ObjectMapper().createObjectNode();
        details.put("policyVersion", policy.version());
        details.put("source", policyFile.isBlank() ? "built-in default" : policyFile);
        details.put("rules", policy.table().rows().size() * policy.table().columns().size());
        audit.appendAlone(new AuditEntry("policy.loaded", "gateway", null, null, null, details));
    }
}
