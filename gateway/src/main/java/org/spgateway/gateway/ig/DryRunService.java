package org.spgateway.gateway.ig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.spgateway.consent.decision.ClassDecision;
import org.spgateway.consent.disclosure.GatedPayload;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.audit.IgQueries;
import org.spgateway.gateway.referral.ReferralDispatcher;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * The IG lead's dry run: what a given organisation would receive for a given referral under the current policy and
 * the patient's current consent, class by class with the reason and the rule, and the exact payload. It runs the same
 * code as a real dispatch, in a transaction that is rolled back: nothing is sent and no disclosure is recorded.
 */
@Service
public class DryRunService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceWriteService store;
    private final ReferralDispatcher dispatcher;
    private final DirectoryProperties directory;
    private final AuditLog audit;

    public DryRunService(ResourceWriteService store, ReferralDispatcher dispatcher, DirectoryProperties directory,
                            AuditLog audit) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.audit = audit;
    }

    /** Runs the dry run and audits it; unknown referral or organisation answer a 404 problem. */
    public ObjectNode run(String referralId, String organisationId) {
        DirectoryProperties.Service service = directory.service(organisationId).orElseThrow(() -> new Problem.Exception(
                Problem.of(HttpStatus.NOT_FOUND, "unknown-organisation", "Unknown organisation",
                        "No VCS service '" + organisationId + "' in the directory")));
        GatedPayload gated = store.readOnly(session -> {
            if (session.read("ServiceRequest", referralId).isEmpty()) {
                throw new Problem.Exception(Problem.of(HttpStatus.NOT_FOUND, "unknown-referral", "Unknown referral",
                        "No referral " + referralId));
            }
            return dispatcher.prepare(session, referralId, service);
        });
        ObjectNode answer = JSON.createObjectNode();
        answer.put("referralId", referralId);
        answer.put("organisation", service.id());
        answer.put("organisationName", service.name());
        answer.put("role", service.role());
        answer.put("policyVersion", gated.decision().policyVersion());
        answer.put("consentState", gated.decision().consentState().name());
        answer.put("consentId", gated.decision().consentId());
        answer.put("consentVersion", gated.decision().consentVersion());
        answer.put("wouldBeHeldAwaitingConsent", gated.awaitingConsent());
        ArrayNode classes = answer.putArray("classes");
        for (ClassDecision decision : gated.decision().classes().values()) {
            ObjectNode c = classes.addObject();
            c.put("dataClass", decision.dataClass().id());
            c.put("label", decision.dataClass().label());
            c.put("decision", decision.permitted() ? "permit" : "deny");
            c.put("reason", decision.reason());
            c.put("policyRule", decision.rule() == null ? null : decision.rule().rule().toString());
            if (decision.consent() != null) {
                c.put("consent", decision.consent().toString());
            }
        }
        answer.set("fieldsSent", JSON.valueToTree(gated.record().fieldsSent()));
        answer.set("fieldsWithheld", JSON.valueToTree(gated.record().fieldsWithheld()));
        answer.set("payload", gated.awaitingConsent() ? null : gated.payload());
        ObjectNode details = JSON.createObjectNode();
        details.put("organisation", service.id());
        details.put("wouldBeHeldAwaitingConsent", gated.awaitingConsent());
        details.set("classesPermitted", JSON.valueToTree(gated.decision().permitted().stream().map(c -> c.id()).sorted().toList()));
        audit.appendAlone(new AuditEntry("dry-run", IgQueries.actor(), gated.record().patientId(), null, referralId, details));
        return answer;
    }

}
