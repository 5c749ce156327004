package org.spgateway.gateway.store;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * Extracts the search index rows of a resource: the parameters each resource provider declares, and no
 * others, so the CapabilityStatement never promises a search the index cannot answer.
 */
final class SearchIndexer {

    /** One row of {@code fhir_search_index}. */
    record IndexRow(String param, String system, String code) {
    }

    List<IndexRow> index(Resource resource) {
        List<IndexRow> rows = new ArrayList<>();
        if (resource instanceof ServiceRequest sr) {
            identifiers(rows, sr.getIdentifier());
            token(rows, "status", sr.getStatus() == null ? null : sr.getStatus().toCode());
            reference(rows, "subject", sr.getSubject());
            patientReference(rows, sr.getSubject());
            reference(rows, "requester", sr.getRequester());
            sr.getPerformer().forEach(p -> reference(rows, "performer", p));
        } else if (resource instanceof Task task) {
            identifiers(rows, task.getIdentifier());
            token(rows, "status", task.getStatus() == null ? null : task.getStatus().toCode());
            reference(rows, "focus", task.getFocus());
            patientReference(rows, task.getFor());
            reference(rows, "owner", task.getOwner());
            reference(rows, "requester", task.getRequester());
        } else if (resource instanceof Patient patient) {
            identifiers(rows, patient.getIdentifier());
        } else if (resource instanceof Consent consent) {
            token(rows, "status", consent.getStatus() == null ? null : consent.getStatus().toCode());
            patientReference(rows, consent.getPatient());
        } else if (resource instanceof org.hl7.fhir.r4.model.MedicationStatement med) {
            patientReference(rows, med.getSubject());
        } else if (resource instanceof Observation obs) {
            patientReference(rows, obs.getSubject());
            obs.getBasedOn().forEach(b -> reference(rows, "based-on", b));
        } else if (resource instanceof Organization org) {
            identifiers(rows, org.getIdentifier());
        } else if (resource instanceof Practitioner practitioner) {
            identifiers(rows, practitioner.getIdentifier());
        }
        // a resource listing the same identifier or reference twice is indexed once: a value matches one row per
        // resource, which the index-driven searches of ResourceRepository rely on
        return new ArrayList<>(new java.util.LinkedHashSet<>(rows));
    }

    private static void identifiers(List<IndexRow> rows, List<Identifier> identifiers) {
        for (Identifier identifier : identifiers) {
            if (identifier.hasValue()) {
                rows.add(new IndexRow("identifier", identifier.getSystem(), identifier.getValue()));
            }
        }
    }

    private static void token(List<IndexRow> rows, String param, String code) {
        if (code != null) {
            rows.add(new IndexRow(param, null, code));
        }
    }

    private static void reference(List<IndexRow> rows, String param, Reference reference) {
        String value = relative(reference);
        if (value != null) {
            rows.add(new IndexRow(param, null, value));
        }
    }

    private static void patientReference(List<IndexRow> rows, Reference reference) {
        String value = relative(reference);
        if (value != null && value.startsWith("Patient/")) {
            rows.add(new IndexRow("patient", null, value));
        }
    }

    /** {@code Type/id} of a literal reference, without base URL or version; null if not literal. */
    static String relative(Reference reference) {
        if (reference == null || !reference.hasReference()) {
            return null;
        }
        var id = reference.getReferenceElement();
        if (!id.hasResourceType() || !id.hasIdPart()) {
            return null;
        }
        return id.getResourceType() + "/" + id.getIdPart();
    }
}
