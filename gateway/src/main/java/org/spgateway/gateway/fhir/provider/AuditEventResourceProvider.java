package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.spgateway.gateway.store.CallerScope;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The audit log as FHIR AuditEvents, read-only, in the spirit of IHE BALP PrivacyDisclosure: a disclosure is an
 * Export (DICOM 110106) with the gateway as source, the recipient organisation as an information-recipient agent,
 * and the patient, referral and consent as entities. {@code AuditEvent/audit-<seq>} is audit record {@code seq}.
 * A GP system's token confines it to the records about its own practice's referrals and patients (another's answer
 * 404 and are left out of searches); the whole log is for IG leads, through {@code /ig/v1/audit}.
 */
@Component
public class AuditEventResourceProvider implements IResourceProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT_TYPES = "https://spgateway.org/fhir/CodeSystem/audit-event-type";
    private static final int LIMIT = 500;

    private final JdbcTemplate jdbc;

    public AuditEventResourceProvider(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Class<AuditEvent> getResourceType() {
        return AuditEvent.class;
    }

    @Read
    public AuditEvent read(@IdParam IdType id) {
        String part = id.getIdPart();
        if (!part.matches("audit-\\d+")) {
            throw new ResourceNotFoundException(id);
        }
        List<AuditEvent> found = query(" AND seq = ?", List.of(Long.parseLong(part.substring(6))));
        if (found.isEmpty()) {
            throw new ResourceNotFoundException(id);
        }
        return found.get(0);
    }

    @Search
    public List<AuditEvent> search(@OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
                                   @OptionalParam(name = AuditEvent.SP_ENTITY) ReferenceParam entity,
                                   @OptionalParam(name = AuditEvent.SP_AGENT) ReferenceParam agent,
                                   @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date) {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        if (patient != null) {
            where.append(" AND patient_id = ?");
            args.add(patient.getIdPart());
        }
        if (entity != null) {
            String type = entity.getResourceType();
            if ("Patient".equals(type)) {
                where.append(" AND patient_id = ?");
            } else {
                where.append(" AND referral_id = ?");
            }
            args.add(entity.getIdPart());
        }
        if (agent != null) {
            where.append(" AND (recipient_org = ? OR actor = ?)");
            args.add(agent.getIdPart());
            args.add("organisation:" + agent.getIdPart());
        }
        if (date != null && date.getLowerBoundAsInstant() != null) {
            where.append(" AND recorded_at >= ?");
            args.add(new Timestamp(date.getLowerBoundAsInstant().getTime()));
        }
        if (date != null && date.getUpperBoundAsInstant() != null) {
            where.append(" AND recorded_at <= ?");
            args.add(new Timestamp(date.getUpperBoundAsInstant().getTime()));
        }
        return query(where.toString(), args);
    }

    private List<AuditEvent> query(String where, List<Object> args) {
        List<Object> all = new ArrayList<>(args);
        String confined = CallerScope.practice().map(practice -> {
            // A GP system sees only the records about its own practice's referrals (or, for records about a patient
            // and no referral, its own patients); records about no patient (logins, policy loads) are not its business.
            all.add(practice);
            all.add(practice);
            return " AND (EXISTS (SELECT 1 FROM fhir_search_index o WHERE o.param_name = '" + ResourceRepository.OWNER_PARAM
                    + "' AND o.resource_type = 'ServiceRequest' AND o.resource_id = referral_id AND o.value_code = ?)"
                    + " OR (referral_id IS NULL AND EXISTS (SELECT 1 FROM fhir_search_index o WHERE o.param_name = '"
                    + ResourceRepository.OWNER_PARAM + "' AND o.resource_type = 'Patient' AND o.resource_id = patient_id"
                    + " AND o.value_code = ?)))";
        }).orElse("");
        return jdbc.query("SELECT seq, recorded_at, event_type, actor, patient_id, recipient_org, referral_id, details"
                + " FROM audit_record WHERE 1 = 1" + where + confined + " ORDER BY seq LIMIT " + LIMIT, (rs, i) -> toAuditEvent(
                rs.getLong(1), rs.getTimestamp(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8)), all.toArray());
    }

    private static final java.util.regex.Pattern FHIR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /**
     * A reference to what a record names. A record can name something that is not a FHIR id: a failed VCS call audits
     * the referral id the caller claimed, whatever it was. Such a value is kept as the reference's identifier, never
     * made into a literal reference (HAPI would read {@code ServiceRequest/#x} as a contained-resource reference).
     */
    static Reference reference(String type, String id) {
        if (FHIR_ID.matcher(id).matches()) {
            return new Reference(type + "/" + id);
        }
        // printable characters only, and not unbounded: it is what an unauthenticated caller sent
        String shown = id.replaceAll("[^\\p{Print}]", "?");
        shown = shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
        return new Reference().setType(type).setIdentifier(new org.hl7.fhir.r4.model.Identifier().setValue(shown))
                .setDisplay("not a " + type + " id");
    }

    private static AuditEvent toAuditEvent(long seq, Timestamp at, String type, String actor, String patient,
                                           String recipient, String referral, String details) {
        AuditEvent event = new AuditEvent();
        event.setId("audit-" + seq);
        boolean disclosure = "disclosure".equals(type);
        event.setType(disclosure ? new Coding("http://dicom.nema.org/resources/ontology/DCM", "110106", "Export")
                : new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        event.addSubtype(new Coding(EVENT_TYPES, type, type));
        event.setAction(disclosure || type.startsWith("audit.") || "dry-run".equals(type)
                ? AuditEvent.AuditEventAction.R : AuditEvent.AuditEventAction.U);
        event.setRecorded(new Date(at.getTime()));
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        AuditEvent.AuditEventAgentComponent source = event.addAgent().setRequestor(!disclosure);
        source.setWho(new Reference().setDisplay(actor));
        source.getType().addCoding(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110153", "Source Role ID"));
        if (recipient != null) {
            AuditEvent.AuditEventAgentComponent receiver = event.addAgent().setRequestor(false);
            receiver.setWho(reference("Organization", recipient));
            receiver.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP",
                    "information recipient"));
        }
        event.getSource().setObserver(new Reference().setDisplay("spgateway")).setSite("spgateway");
        if (patient != null) {
            event.addEntity().setWhat(reference("Patient", patient))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        }
        if (referral != null) {
            event.addEntity().setWhat(reference("ServiceRequest", referral))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "20", "Job"));
        }
        try {
            JsonNode d = JSON.readTree(details);
            if (d.hasNonNull("consentId") && !d.path("consentId").asText().isEmpty()) {
                event.addEntity().setWhat(reference("Consent", d.path("consentId").asText()))
                        .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "13", "Security Resource"));
            }
            if (d.has("classesSent")) {
                List<String> sent = new ArrayList<>();
                d.path("classesSent").forEach(c -> sent.add(c.asText()));
                event.addEntity().setDescription("data classes disclosed").addDetail()
                        .setType("classesSent").setValue(new org.hl7.fhir.r4.model.StringType(String.join(",", sent)));
                CodeableConcept purpose = new CodeableConcept().setText(d.path("purpose").asText());
                if (org.spgateway.consent.Purpose.SOCIAL_PRESCRIBING_REFERRAL.code().equals(d.path("purpose").asText())) {
                    // a referral to social prescribing is part of the patient's care (v3 PurposeOfUse TREAT)
                    purpose.addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT", "treatment"));
                }
                event.addPurposeOfEvent(purpose);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            event.addEntity().setDescription("details unreadable");
        }
        return event;
    }
}
