package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.decision.ClassDecision;
import org.spgateway.consent.decision.ConsentState;
import org.spgateway.consent.decision.Decision;

/**
 * What was (or, in a dry run, would be) disclosed to whom about whom, when, and under which consent and rule: the
 * body of one audit log entry. {@link #toJson()} gives a stable JSON form (fixed key order, kebab-case ids) for
 * hashing into the audit chain; {@link #fromJson(String)} reads it back.
 *
 * @param messageId       outbound message id
 * @param recipient       organisation and role
 * @param patientId       the patient
 * @param purpose         purpose of use
 * @param classesSent     classes whose fields were sent
 * @param classesWithheld classes present in the payload but withheld
 * @param fieldsSent      JSON Pointers (into the unredacted payload) sent, envelope fields included
 * @param fieldsWithheld  JSON Pointers withheld
 * @param consentId       consent considered, or {@code null} if none was recorded
 * @param consentVersion  its version, or {@code null}
 * @param consentState    where the consent stood for this recipient
 * @param policyVersion   sharing policy version applied
 * @param decidedAt       the instant decided for
 * @param decisions       per class: outcome, ground, policy rule, consent part and reason
 */
public record DisclosureRecord(String messageId, Recipient recipient, String patientId, Purpose purpose,
                               Set<DataClass> classesSent, Set<DataClass> classesWithheld,
                               List<String> fieldsSent, List<String> fieldsWithheld,
                               String consentId, String consentVersion, ConsentState consentState,
                               String policyVersion, Instant decidedAt, List<ClassOutcome> decisions) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DisclosureRecord {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(consentState, "consentState");
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(decidedAt, "decidedAt");
        classesSent = enumSet(classesSent);
        classesWithheld = enumSet(classesWithheld);
        fieldsSent = List.copyOf(fieldsSent);
        fieldsWithheld = List.copyOf(fieldsWithheld);
        decisions = List.copyOf(decisions);
    }

    /**
     * One class decision as recorded.
     *
     * @param dataClass   the class
     * @param permitted   whether it was sent
     * @param ground      deny ground id (e.g. {@code policy}), or {@code null} when permitted
     * @param rule        the policy rule id in force for the recipient's role and this class
     * @param consentPart {@code base} or {@code provision[i]} of the consent that decided, or {@code null}
     * @param reason      plain-English reason
     */
    public record ClassOutcome(DataClass dataClass, boolean permitted, String ground, String rule,
                               String consentPart, String reason) {
    }

    /** The record for a decision and the redaction that enforced it. */
    static DisclosureRecord of(String messageId, String patientId, Decision decision, Redaction redaction) {
        var outcomes = new ArrayList<ClassOutcome>();
        decision.classes().values().forEach(d -> outcomes.add(new ClassOutcome(d.dataClass(), d.permitted(),
                d instanceof ClassDecision.Deny deny ? kebab(deny.ground().name()) : null,
                d.rule().rule().id(), d.consent() == null ? null : d.consent().part(), d.reason())));
        return new DisclosureRecord(messageId, decision.recipient(), patientId, decision.purpose(),
                decision.permitted(), decision.denied(), redaction.sent(), redaction.withheld(),
                decision.consentId(), decision.consentVersion(), decision.consentState(), decision.policyVersion(),
                decision.decidedAt(), outcomes);
    }

    /** This record as a JSON tree with a fixed key order. */
    public ObjectNode toJsonNode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("messageId", messageId);
        node.putObject("recipient")
                .put("organisationId", recipient.organisationId())
                .put("role", recipient.role().id());
        node.put("patientId", patientId);
        node.put("purpose", purpose.code());
        node.put("policyVersion", policyVersion);
        node.put("consentId", consentId);
        node.put("consentVersion", consentVersion);
        node.put("consentState", kebab(consentState.name()));
        node.put("decidedAt", decidedAt.toString());
        ids(node.putArray("classesSent"), classesSent);
        ids(node.putArray("classesWithheld"), classesWithheld);
        fieldsSent.forEach(node.putArray("fieldsSent")::add);
        fieldsWithheld.forEach(node.putArray("fieldsWithheld")::add);
        ArrayNode decisionsNode = node.putArray("decisions");
        for (ClassOutcome outcome : decisions) {
            decisionsNode.addObject()
                    .put("dataClass", outcome.dataClass().id())
                    .put("outcome", outcome.permitted() ? "permit" : "deny")
                    .put("ground", outcome.ground())
                    .put("rule", outcome.rule())
                    .put("consentPart", outcome.consentPart())
                    .put("reason", outcome.reason());
        }
        return node;
    }

    /** This record as compact JSON, for the audit log. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise disclosure record", e);
        }
    }

    /** Reads a record written by {@link #toJson()}. */
    public static DisclosureRecord fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            var recipientNode = node.required("recipient");
            var outcomes = new ArrayList<ClassOutcome>();
            for (JsonNode d : node.required("decisions")) {
                outcomes.add(new ClassOutcome(dataClass(d.required("dataClass").asText()),
                        "permit".equals(d.required("outcome").asText()), text(d, "ground"), text(d, "rule"),
                        text(d, "consentPart"), text(d, "reason")));
            }
            return new DisclosureRecord(node.required("messageId").asText(),
                    new Recipient(recipientNode.required("organisationId").asText(),
                            RecipientRole.fromId(recipientNode.required("role").asText()).orElseThrow()),
                    node.required("patientId").asText(), new Purpose(node.required("purpose").asText()),
                    classes(node.required("classesSent")), classes(node.required("classesWithheld")),
                    strings(node.required("fieldsSent")), strings(node.required("fieldsWithheld")),
                    text(node, "consentId"), text(node, "consentVersion"),
                    ConsentState.valueOf(node.required("consentState").asText().toUpperCase().replace('-', '_')),
                    node.required("policyVersion").asText(), Instant.parse(node.required("decidedAt").asText()),
                    outcomes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a disclosure record: " + e.getOriginalMessage(), e);
        }
    }

    private static String kebab(String enumName) {
        return enumName.toLowerCase().replace('_', '-');
    }

    private static void ids(ArrayNode array, Collection<DataClass> classes) {
        classes.forEach(c -> array.add(c.id()));
    }

    private static Set<DataClass> enumSet(Set<DataClass> classes) {
        return classes == null || classes.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(classes));
    }

    private static DataClass dataClass(String id) {
        return DataClass.fromId(id).orElseThrow(() -> new IllegalArgumentException("unknown data class " + id));
    }

    private static Set<DataClass> classes(JsonNode array) {
        var result = EnumSet.noneOf(DataClass.class);
        array.forEach(n -> result.add(dataClass(n.asText())));
        return result;
    }

    private static List<String> strings(JsonNode array) {
        var result = new ArrayList<String>();
        array.forEach(n -> result.add(n.asText()));
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
