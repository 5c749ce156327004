package org.spgateway.ig.build;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.RecipientRole;
import org.spgateway.mappings.BusinessStatus;
import org.spgateway.mappings.CodeSystems;
import org.spgateway.mappings.EndpointType;
import org.spgateway.mappings.OutcomeMeasure;
import org.spgateway.mappings.SocialNeed;
import org.spgateway.mappings.TaskOutputType;

/**
 * The IG's CodeSystems and their ValueSets, generated from the Java code lists the gateway runs on (mappings and
 * consent), so there is one source of truth: a code added to {@link BusinessStatus} is published with the next build,
 * and a CodeSystem can never list a code the gateway does not know.
 */
public final class GeneratedTerminology {

    /** One code of a generated CodeSystem; {@code parent} is the code it belongs under, or null. */
    record Concept(String code, String display, String definition, String parent) {
    }

    private GeneratedTerminology() {
    }

    /** Every generated CodeSystem and ValueSet, CodeSystems first. */
    public static List<MetadataResource> all() {
        List<MetadataResource> out = new ArrayList<>();
        List<ValueSet> valueSets = new ArrayList<>();
        add(out, valueSets, "referral-business-status", CodeSystems.BUSINESS_STATUS, "ReferralBusinessStatus",
                "Referral business status", "Where a social prescribing referral is, in the referral's own terms"
                        + " (Task.businessStatus); Task.status says it in FHIR's generic workflow terms.",
                concepts(BusinessStatus.values(), b -> new Concept(b.code(), b.display(), null, null)));
        add(out, valueSets, "task-output-type", CodeSystems.TASK_OUTPUT_TYPE, "TaskOutputType", "Referral Task output type",
                "What a referral's Task.output records.",
                concepts(TaskOutputType.values(), t -> new Concept(t.code(), t.display(), null, null)));
        List<Concept> measures = new ArrayList<>();
        for (OutcomeMeasure measure : OutcomeMeasure.values()) {
            measures.add(new Concept(measure.code(), measure.display(), measureDefinition(measure), null));
            for (OutcomeMeasure.Item item : measure.items()) {
                measures.add(new Concept(item.code(), item.display(), "Item of " + measure.display() + ", scored "
                        + measure.itemMin() + " to " + measure.itemMax() + ".", measure.code()));
            }
        }
        add(out, valueSets, "outcome-measure", CodeSystems.OUTCOME_MEASURE, "OutcomeMeasure", "Outcome measure",
                "Wellbeing outcome measures VCS services report, and their items. A project code system: LOINC and SNOMED"
                        + " CT codes could not be confirmed for every item of these UK scales (docs/conformance.md).",
                measures);
        add(out, valueSets, "social-need", SocialNeed.SYSTEM, "SocialNeed", "Social need",
                "Social needs a VCS organisation understands; GP systems may send these codes or the SNOMED CT findings"
                        + " the gateway maps to them.",
                concepts(SocialNeed.values(), n -> new Concept(n.code(), n.display(), null, null)));
        add(out, valueSets, "order-detail", CodeSystems.ORDER_DETAIL, "OrderDetail", "Referral order detail",
                "Order details the gateway acts on (ServiceRequest.orderDetail).",
                List.of(new Concept(CodeSystems.CONTACTING_SUBJECT_PROHIBITED, "Contacting the subject is prohibited",
                        "Do not contact the patient directly: the gateway withholds the patient's contact details.", null)));
        add(out, valueSets, "data-class", CodeSystems.DATA_CLASS, "DataClass", "Sharing policy data class",
                "The data classes of the gateway's sharing policy, named in Consent provisions to permit or deny them.",
                concepts(DataClass.values(), c -> new Concept(c.id(), c.label(), null, null)));
        add(out, valueSets, "vcs-role", CodeSystems.VCS_ROLE, "VcsRole", "VCS service role",
                "The role a voluntary and community sector service plays for a referral; the sharing policy has one"
                        + " column per role.",
                concepts(RecipientRole.values(), r -> new Concept(r.id(), r.label(), null, null)));
        add(out, valueSets, "endpoint-type", CodeSystems.ENDPOINT_TYPE, "EndpointType", "VCS endpoint type",
                "How a directory service receives referrals.",
                concepts(EndpointType.values(), e -> new Concept(e.code(), e.display(), null, null)));
        for (OutcomeMeasure measure : OutcomeMeasure.values()) {
            if (measure.items().isEmpty()) {
                continue;
            }
            ValueSet items = valueSet(measure.code() + "-items", toName(measure.code()) + "Items",
                    measure.display() + " items", "The item codes of " + measure.display() + ".");
            var include = items.getCompose().addInclude().setSystem(CodeSystems.OUTCOME_MEASURE);
            measure.items().forEach(i -> include.addConcept().setCode(i.code()).setDisplay(i.display()));
            valueSets.add(items);
        }
        ValueSet measuresOnly = valueSet("outcome-measures", "OutcomeMeasures", "Outcome measures",
                "The outcome measures themselves (Observation.code), without their items.");
        var include = measuresOnly.getCompose().addInclude().setSystem(CodeSystems.OUTCOME_MEASURE);
        for (OutcomeMeasure measure : OutcomeMeasure.values()) {
            include.addConcept().setCode(measure.code()).setDisplay(measure.display());
        }
        valueSets.add(measuresOnly);
        out.addAll(valueSets);
        return out;
    }

    private static String measureDefinition(OutcomeMeasure measure) {
        if (measure.items().isEmpty()) {
            return "Free-text goals agreed with the person.";
        }
        return measure.display() + ": " + measure.items().size() + " items scored " + measure.itemMin() + " to "
                + measure.itemMax() + (measure.totalMin() == null ? ", reported item by item (no total)."
                : ", total " + measure.totalMin() + " to " + measure.totalMax() + ".");
    }

    private static <T> List<Concept> concepts(T[] values, java.util.function.Function<T, Concept> f) {
        return java.util.Arrays.stream(values).map(f).toList();
    }

    private static void add(List<MetadataResource> out, List<ValueSet> valueSets, String id, String url, String name,
                            String title, String description, List<Concept> concepts) {
        if (!url.equals(CodeSystems.PROJECT_BASE + "/CodeSystem/" + id)) {
            throw new IllegalStateException("CodeSystem " + id + " has url " + url + ", expected it under its id");
        }
        CodeSystem cs = new CodeSystem();
        cs.setId(id);
        cs.setUrl(url);
        cs.setName(name);
        cs.setTitle(title);
        cs.setStatus(PublicationStatus.ACTIVE);
        cs.setExperimental(false);
        cs.setPublisher("spgateway");
        cs.setDescription(description);
        cs.setCaseSensitive(true);
        cs.setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
        cs.setValueSet(CodeSystems.PROJECT_BASE + "/ValueSet/" + id);
        boolean hierarchical = concepts.stream().anyMatch(c -> c.parent() != null);
        if (hierarchical) {
            cs.setHierarchyMeaning(CodeSystem.CodeSystemHierarchyMeaning.PARTOF);
        }
        java.util.Map<String, CodeSystem.ConceptDefinitionComponent> byCode = new java.util.HashMap<>();
        for (Concept c : concepts) {
            CodeSystem.ConceptDefinitionComponent concept = c.parent() == null ? cs.addConcept()
                    : byCode.get(c.parent()).addConcept();
            concept.setCode(c.code()).setDisplay(c.display());
            if (c.definition() != null) {
                concept.setDefinition(c.definition());
            }
            byCode.put(c.code(), concept);
        }
        cs.setCount(concepts.size());
        out.add(cs);
        ValueSet vs = valueSet(id, name, title, "All codes of the " + title + " code system.");
        vs.getCompose().addInclude().setSystem(url);
        valueSets.add(vs);
    }

    private static ValueSet valueSet(String id, String name, String title, String description) {
        ValueSet vs = new ValueSet();
        vs.setId(id);
        vs.setUrl(CodeSystems.PROJECT_BASE + "/ValueSet/" + id);
        vs.setName(name);
        vs.setTitle(title);
        vs.setStatus(PublicationStatus.ACTIVE);
        vs.setExperimental(false);
        vs.setPublisher("spgateway");
        vs.setDescription(description);
        return vs;
    }

    private static String toName(String code) {
        return Character.toUpperCase(code.charAt(0)) + code.substring(1);
    }
}
