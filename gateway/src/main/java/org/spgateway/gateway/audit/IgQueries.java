package org.spgateway.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.security.Roles;
import org.springframework.stereotype.Service;

/**
 * What an IG lead asks of the audit log, whether through the JSON API or the web page: search, the per-patient
 * disclosure report, verification. Every call is itself audited with the IG lead's login as the actor.
 */
@Service
public class IgQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditSearch search;
    private final AuditVerifier verifier;
    private final AuditLog audit;
    private final DirectoryProperties directory;
    private final Clock clock;

    public IgQueries(AuditSearch search, AuditVerifier verifier, AuditLog audit, DirectoryProperties directory, Clock clock) {
        this.search = search;
        this.verifier = verifier;
        this.audit = audit;
        this.directory = directory;
        this.clock = clock;
    }

    /** Searches the log; {@code read} names the kind of read in the audit record (search, export, ...). */
    public List<AuditSearch.Found> search(AuditSearch.Criteria criteria, int limit, String read) {
        List<AuditSearch.Found> found = search.find(criteria, limit);
        auditRead(read, criteria, found.size());
        return found;
    }

    /**
     * The subject access report: every organisation that received data about the patient, the classes, when, under
     * which consent and policy, and why.
     */
    public ObjectNode subjectAccessReport(String patientId) {
        AuditSearch.Criteria criteria = new AuditSearch.Criteria(patientId, null, null, null, null, null, "disclosure");
        List<AuditSearch.Found> disclosures = search.find(criteria, AuditSearch.MAX);
        auditRead("subject-access-report", criteria, disclosures.size());
        Map<String, ObjectNode> byOrganisation = new LinkedHashMap<>();
        Map<String, TreeSet<String>> classes = new LinkedHashMap<>();
        for (AuditSearch.Found f : disclosures) {
            ObjectNode org = byOrganisation.computeIfAbsent(f.recipientOrg(), id -> {
                ObjectNode node = JSON.createObjectNode();
                node.put("organisation", id);
                directory.service(id).ifPresent(s -> node.put("name", s.name()).put("role", s.role()));
                node.putArray("disclosures");
                return node;
            });
            JsonNode d = f.details();
            ((ArrayNode) org.get("disclosures")).addObject()
                    .put("when", f.recordedAt().toString())
                    .put("referralId", f.referralId())
                    .put("purpose", d.path("purpose").asText())
                    .put("consentId", d.path("consentId").asText(null))
                    .put("policyVersion", d.path("policyVersion").asText())
                    .put("messageId", d.path("messageId").asText())
                    .set("classesSent", d.path("classesSent"));
            d.path("classesSent").forEach(c -> classes.computeIfAbsent(f.recipientOrg(), k -> new TreeSet<>()).add(c.asText()));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("patientId", patientId);
        answer.put("generatedAt", clock.instant().toString());
        ArrayNode organisations = answer.putArray("organisations");
        byOrganisation.forEach((id, node) -> {
            node.set("allClassesReceived", JSON.valueToTree(classes.getOrDefault(id, new TreeSet<>())));
            organisations.add(node);
        });
        return answer;
    }

    /** Verifies the whole chain and the signed checkpoints; the check is audited. */
    public AuditVerifier.Report verify() {
        AuditVerifier.Report report = verifier.verify();
        ObjectNode details = JSON.createObjectNode();
        details.put("intact", report.intact());
        details.put("issues", report.issues().size());
        audit.appendAlone(new AuditEntry("audit.verified", actor(), null, null, null, details));
        return report;
    }

    /** The audit actor for the calling IG lead. */
    public static String actor() {
        return Roles.actor(Roles.IG_LEAD, "ig-lead");
    }

    private void auditRead(String what, AuditSearch.Criteria criteria, int results) {
        ObjectNode details = JSON.createObjectNode();
        details.put("read", what);
        details.put("patientId", criteria.patientId());
        details.put("nhsNumberGiven", criteria.nhsNumber() != null);
        details.put("organisation", criteria.organisation());
        details.put("dataClass", criteria.dataClass());
        details.put("from", criteria.from() == null ? null : criteria.from().toString());
        details.put("to", criteria.to() == null ? null : criteria.to().toString());
        details.put("eventType", criteria.eventType());
        details.put("results", results);
        audit.appendAlone(new AuditEntry("audit.read", actor(), criteria.patientId(), null, null, details));
    }
}
