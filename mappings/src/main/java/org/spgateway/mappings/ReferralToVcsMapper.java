package org.spgateway.mappings;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the full {@code referral.created} v1 event (schema {@code schema/v1/referral.created.schema.json}) from a
 * FHIR referral, with a data-class label for every patient-data field (see {@link ReferralCreatedFields}).
 *
 * <p>It builds everything the policy could ever allow, never less: minimisation is the consent module's job, done
 * in one place on a classified payload, so a mapper change can never widen or narrow a disclosure silently.
 *
 * <p>Where each field comes from:
 * <ul>
 * <li>name: the {@code official} HumanName (else the first that is not {@code usual}, {@code nickname},
 *     {@code old} or {@code maiden}); preferred name: the {@code usual} or {@code nickname} name's first given name.
 * <li>contact: first phone (mobile preferred) and first email of {@code Patient.telecom}, skipping {@code old}.
 * <li>address: the {@code home} address, else the first not {@code old}; postcode district is the outward code of a
 *     valid UK postcode ("LS1 4AP" gives "LS1").
 * <li>date of birth as recorded; age band against {@code createdAt} in UK time (no hidden clock); a partial birth
 *     date gives a band only if every possible birth date in it gives the same band.
 * <li>NHS number: identifier with system {@value CodeSystems#NHS_NUMBER}.
 * <li>communication needs: {@code Patient.communication} languages (preferred first) and the core extension
 *     {@value Extensions#PATIENT_INTERPRETER_REQUIRED}.
 * <li>referral reason: {@code ServiceRequest.reasonCode} text (or display); a coded reason that is a social need
 *     becomes a social need, any other coded reason without text becomes a condition, because a coded reason is
 *     clinical data and must fall under the conditions class.
 * <li>{@code ServiceRequest.note}: a note starting "What matters to me:" is the patient's own words
 *     ({@code whatMattersToMe}); a note starting "Goal:" or "Goals:" is a goal; any other note is a referral note.
 *     Prefixes are matched case-insensitively and removed. This convention is what GP systems can produce today from
 *     a free-text referral form; a structured {@code Goal} resource can be supported later.
 * <li>social needs: {@link SocialNeed} codes in {@code ServiceRequest.category}, {@code reasonCode} and
 *     {@code Condition.code}.
 * <li>conditions: Conditions not coded as a social need, not {@code entered-in-error}, and clinically active (or
 *     with no clinical status); medications: {@code active} MedicationStatements.
 * <li>safety: the {@value Extensions#STAFF_SAFETY} extension on the ServiceRequest (see {@link Extensions}).
 * <li>referrer: the Practitioner's name and telecom and the practice's name, ODS code and telecom.
 * </ul>
 * Patient.gender is deliberately not mapped: it is no data class of the sharing policy, so it may not leave.
 */
public final class ReferralToVcsMapper {
    /** Event type and schema version written into every payload. */
    public static final String EVENT_TYPE = "referral.created";
    public static final String SCHEMA_VERSION = "v1";

    private static final ZoneId UK = ZoneId.of("Europe/London");
    private static final Pattern UK_POSTCODE = Pattern.compile("^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$");
    private static final Pattern WHAT_MATTERS = Pattern.compile("(?is)^\\s*what matters to me\\s*:\\s*(.*)$");
    private static final Pattern GOAL = Pattern.compile("(?is)^\\s*goals?\\s*:\\s*(.*)$");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Maps one referral; pure and deterministic. */
    public VcsReferral map(ReferralContext context) {
        ServiceRequest request = context.serviceRequest();
        boolean prohibited = contactingSubjectProhibited(request);

        ObjectNode root = JSON.objectNode();
        root.put("type", EVENT_TYPE);
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("messageId", context.messageId());
        root.put("referralId", context.referralId());
        root.put("createdAt", context.createdAt().toString());
        root.put("serviceId", context.serviceId());
        root.put("priority", request.hasPriority() ? request.getPriority().toCode() : "routine");
        if (request.hasCode()) {
            text(request.getCode()).ifPresent(t -> root.put("requestedService", t));
            snomed(request.getCode()).ifPresent(c -> root.put("requestedServiceCode", c));
        }
        if (request.hasAuthoredOn()) {
            root.put("referredAt", request.getAuthoredOnElement().getValueAsString());
        }
        root.put("doNotContactPatient", prohibited);

        root.set("patient", patient(context.patient(), LocalDate.ofInstant(context.createdAt(), UK)));
        root.set("referral", referral(request, context.conditions(), context.medications()));
        safety(request).ifPresent(s -> root.set("safety", s));
        referrer(context.practitioner(), context.practice()).ifPresent(r -> root.set("referrer", r));
        removeEmpty(root);

        Map<String, String> classification = new LinkedHashMap<>();
        ReferralCreatedFields.DATA_CLASSES.forEach((pointer, dataClass) -> {
            if (!root.at(pointer).isMissingNode()) {
                classification.put(pointer, dataClass);
            }
        });
        List<String> envelope = ReferralCreatedFields.ENVELOPE.stream()
                .filter(p -> !root.at(p).isMissingNode()).toList();
        return new VcsReferral(root, classification, envelope, prohibited);
    }

    /** Whether {@code ServiceRequest.orderDetail} asks that the patient not be contacted (any code system). */
    static boolean contactingSubjectProhibited(ServiceRequest request) {
        return request.getOrderDetail().stream().flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> CodeSystems.CONTACTING_SUBJECT_PROHIBITED.equals(c.getCode()));
    }

    private ObjectNode patient(Patient patient, LocalDate referenceDate) {
        ObjectNode node = JSON.objectNode();
        officialName(patient).ifPresent(name -> {
            ObjectNode n = node.putObject("name");
            putIfPresent(n, "title", join(name.getPrefix()));
            putIfPresent(n, "given", join(name.getGiven()));
            putIfPresent(n, "family", name.getFamily());
            putIfPresent(n, "text", name.hasText() ? name.getText() : name.getNameAsSingleString());
        });
        patient.getName().stream()
                .filter(n -> n.getUse() == HumanName.NameUse.USUAL || n.getUse() == HumanName.NameUse.NICKNAME)
                .findFirst()
                .flatMap(n -> n.hasGiven() ? Optional.of(n.getGiven().get(0).getValue())
                        : Optional.ofNullable(n.getText()))
                .ifPresent(preferred -> node.put("preferredName", preferred));

        ObjectNode contact = node.putObject("contact");
        telecom(patient.getTelecom(), ContactPoint.ContactPointSystem.PHONE)
                .ifPresent(p -> contact.put("phone", p));
        telecom(patient.getTelecom(), ContactPoint.ContactPointSystem.EMAIL)
                .ifPresent(e -> contact.put("email", e));

        homeAddress(patient).ifPresent(address -> {
            ObjectNode a = node.putObject("address");
            ArrayNode lines = a.putArray("lines");
            address.getLine().forEach(l -> lines.add(l.getValue()));
            putIfPresent(a, "city", address.getCity());
            putIfPresent(a, "district", address.getDistrict());
            Optional<String> postcode = normalisePostcode(address.getPostalCode());
            putIfPresent(a, "postcode", postcode.orElse(address.getPostalCode()));
            postcode.map(p -> p.substring(0, p.indexOf(' '))).ifPresent(d -> node.put("postcodeDistrict", d));
        });

        if (patient.hasBirthDate()) {
            node.put("dateOfBirth", patient.getBirthDateElement().getValueAsString());
            ageBand(patient.getBirthDateElement().getValueAsString(), referenceDate)
                    .ifPresent(b -> node.put("ageBand", b));
        }
        patient.getIdentifier().stream()
                .filter(i -> CodeSystems.NHS_NUMBER.equals(i.getSystem()) && i.hasValue())
                .map(i -> i.getValue().replaceAll("\\s", ""))
                .findFirst()
                .ifPresent(n -> node.put("nhsNumber", n));

        ObjectNode communication = node.putObject("communicationNeeds");
        ArrayNode languages = communication.putArray("languages");
        patient.getCommunication().stream()
                .sorted((a, b) -> Boolean.compare(b.getPreferred(), a.getPreferred()))
                .map(c -> text(c.getLanguage()))
                .flatMap(Optional::stream)
                .distinct()
                .forEach(languages::add);
        Extension interpreter = patient.getExtensionByUrl(Extensions.PATIENT_INTERPRETER_REQUIRED);
        if (interpreter != null && interpreter.getValue() instanceof BooleanType required && required.hasValue()) {
            communication.put("interpreterRequired", required.booleanValue());
        }
        return node;
    }

    private ObjectNode referral(ServiceRequest request, List<Condition> conditions,
            List<MedicationStatement> medications) {
        ObjectNode node = JSON.objectNode();
        Set<SocialNeed> needs = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        ArrayNode conditionNodes = JSON.arrayNode();

        Stream.concat(request.getCategory().stream(), request.getReasonCode().stream())
                .forEach(c -> socialNeed(c).ifPresent(needs::add));
        for (CodeableConcept reason : request.getReasonCode()) {
            if (reason.hasText()) {
                reasons.add(reason.getText());
            } else if (socialNeed(reason).isEmpty() && reason.hasCoding()) {
                conditionNodes.add(coded(reason));
            }
        }
        putIfPresent(node, "reason", reasons.isEmpty() ? null : String.join("; ", reasons));

        ArrayNode goals = node.putArray("goals");
        ArrayNode notes = node.putArray("notes");
        List<String> whatMatters = new ArrayList<>();
        for (Annotation note : request.getNote()) {
            if (!note.hasText()) {
                continue;
            }
            var whatMatch = WHAT_MATTERS.matcher(note.getText());
            var goalMatch = GOAL.matcher(note.getText());
            if (whatMatch.matches()) {
                whatMatters.add(whatMatch.group(1).trim());
            } else if (goalMatch.matches()) {
                goals.add(goalMatch.group(1).trim());
            } else {
                notes.add(note.getText().trim());
            }
        }
        putIfPresent(node, "whatMattersToMe", whatMatters.isEmpty() ? null : String.join("\n", whatMatters));

        for (Condition condition : conditions) {
            Optional<SocialNeed> need = socialNeed(condition.getCode());
            if (need.isPresent()) {
                needs.add(need.get());
            } else if (current(condition) && condition.hasCode()) {
                conditionNodes.add(coded(condition.getCode()));
            }
        }
        ArrayNode needNodes = node.putArray("socialNeeds");
        needs.forEach(n -> needNodes.addObject().put("code", n.code()).put("display", n.display()));
        node.set("conditions", conditionNodes);

        ArrayNode medicationNodes = node.putArray("medications");
        medications.stream()
                .filter(m -> m.getStatus() == MedicationStatement.MedicationStatementStatus.ACTIVE)
                .filter(MedicationStatement::hasMedicationCodeableConcept)
                .forEach(m -> medicationNodes.add(coded(m.getMedicationCodeableConcept())));
        return node;
    }

    private static Optional<ObjectNode> safety(ServiceRequest request) {
        Extension safety = request.getExtensionByUrl(Extensions.STAFF_SAFETY);
        if (safety == null) {
            return Optional.empty();
        }
        ObjectNode node = JSON.objectNode();
        Extension flag = safety.getExtensionByUrl(Extensions.STAFF_SAFETY_FLAG);
        Extension guidance = safety.getExtensionByUrl(Extensions.STAFF_SAFETY_GUIDANCE);
        if (flag != null && flag.getValue() instanceof BooleanType b && b.hasValue()) {
            node.put("flag", b.booleanValue());
        } else if (guidance != null) {
            // Guidance without an explicit flag still means there is something staff must know.
            node.put("flag", true);
        }
        if (guidance != null && guidance.getValue() instanceof StringType s && s.hasValue()) {
            node.put("guidance", s.getValue());
        }
        return Optional.of(node);
    }

    private static Optional<ObjectNode> referrer(Practitioner practitioner, Organization practice) {
        ObjectNode node = JSON.objectNode();
        if (practitioner != null) {
            ObjectNode clinician = node.putObject("clinician");
            practitioner.getName().stream().findFirst()
                    .ifPresent(n -> putIfPresent(clinician, "name",
                            n.hasText() ? n.getText() : n.getNameAsSingleString()));
            telecom(practitioner.getTelecom(), ContactPoint.ContactPointSystem.PHONE)
                    .ifPresent(p -> clinician.put("phone", p));
            telecom(practitioner.getTelecom(), ContactPoint.ContactPointSystem.EMAIL)
                    .ifPresent(e -> clinician.put("email", e));
        }
        if (practice != null) {
            ObjectNode org = node.putObject("practice");
            putIfPresent(org, "name", practice.getName());
            practice.getIdentifier().stream()
                    .filter(i -> CodeSystems.ODS_ORGANIZATION_CODE.equals(i.getSystem()))
                    .map(Identifier::getValue).findFirst()
                    .ifPresent(ods -> org.put("odsCode", ods));
            telecom(practice.getTelecom(), ContactPoint.ContactPointSystem.PHONE)
                    .ifPresent(p -> org.put("phone", p));
            telecom(practice.getTelecom(), ContactPoint.ContactPointSystem.EMAIL)
                    .ifPresent(e -> org.put("email", e));
        }
        removeEmpty(node);
        return node.isEmpty() ? Optional.empty() : Optional.of(node);
    }

    /**
     * The outward code of a UK postcode written in any case and spacing, as "LS1 4AP" gives "LS1"; empty when the
     * value is not a UK postcode, because a guessed district would be a wrong disclosure.
     */
    static Optional<String> postcodeDistrict(String postcode) {
        return normalisePostcode(postcode).map(p -> p.substring(0, p.indexOf(' ')));
    }

    private static Optional<String> normalisePostcode(String postcode) {
        if (postcode == null) {
            return Optional.empty();
        }
        String compact = postcode.replaceAll("\\s", "").toUpperCase(Locale.ROOT);
        if (!UK_POSTCODE.matcher(compact).matches()) {
            return Optional.empty();
        }
        // The inward code is always the last three characters (digit + two letters).
        return Optional.of(compact.substring(0, compact.length() - 3) + " " + compact.substring(compact.length() - 3));
    }

    /**
     * The age band ("0-17", "18-24", "25-34", ... "65-74", "75+") on {@code referenceDate} for a FHIR date
     * ({@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD}); empty when a partial date straddles two bands.
     */
    static Optional<String> ageBand(String birthDate, LocalDate referenceDate) {
        LocalDate earliest;
        LocalDate latest;
        String[] parts = birthDate.split("-");
        int year = Integer.parseInt(parts[0]);
        if (parts.length == 1) {
            earliest = LocalDate.of(year, 1, 1);
            latest = LocalDate.of(year, 12, 31);
        } else if (parts.length == 2) {
            earliest = LocalDate.of(year, Integer.parseInt(parts[1]), 1);
            latest = earliest.with(TemporalAdjusters.lastDayOfMonth());
        } else {
            earliest = LocalDate.parse(birthDate);
            latest = earliest;
        }
        if (latest.isAfter(referenceDate)) {
            return Optional.empty();
        }
        String oldest = band(Period.between(earliest, referenceDate).getYears());
        String youngest = band(Period.between(latest, referenceDate).getYears());
        return oldest.equals(youngest) ? Optional.of(oldest) : Optional.empty();
    }

    private static String band(int age) {
        if (age < 18) {
            return "0-17";
        }
        if (age < 25) {
            return "18-24";
        }
        if (age >= 75) {
            return "75+";
        }
        int low = (age - 5) / 10 * 10 + 5;
        return low + "-" + (low + 9);
    }

    private static Optional<HumanName> officialName(Patient patient) {
        return patient.getName().stream().filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL).findFirst()
                .or(() -> patient.getName().stream().filter(n -> n.getUse() == null
                        || !Set.of(HumanName.NameUse.USUAL, HumanName.NameUse.NICKNAME, HumanName.NameUse.OLD,
                        HumanName.NameUse.MAIDEN).contains(n.getUse())).findFirst());
    }

    private static Optional<Address> homeAddress(Patient patient) {
        return patient.getAddress().stream().filter(a -> a.getUse() == Address.AddressUse.HOME).findFirst()
                .or(() -> patient.getAddress().stream().filter(a -> a.getUse() != Address.AddressUse.OLD)
                        .findFirst());
    }

    private static Optional<String> telecom(List<ContactPoint> telecom, ContactPoint.ContactPointSystem system) {
        return telecom.stream()
                .filter(c -> c.getSystem() == system && c.hasValue() && c.getUse() != ContactPoint.ContactPointUse.OLD)
                .sorted((a, b) -> Boolean.compare(b.getUse() == ContactPoint.ContactPointUse.MOBILE,
                        a.getUse() == ContactPoint.ContactPointUse.MOBILE))
                .map(ContactPoint::getValue)
                .findFirst();
    }

    private static boolean current(Condition condition) {
        boolean enteredInError = condition.getVerificationStatus().getCoding().stream()
                .anyMatch(c -> "entered-in-error".equals(c.getCode()));
        boolean inactive = condition.getClinicalStatus().getCoding().stream()
                .anyMatch(c -> Set.of("inactive", "remission", "resolved").contains(c.getCode()));
        return !enteredInError && !inactive;
    }

    private static Optional<SocialNeed> socialNeed(CodeableConcept concept) {
        return concept.getCoding().stream().map(SocialNeed::of).flatMap(Optional::stream).findFirst();
    }

    /** {@code {"description": ..., "snomedCode": ...}}: readable text first, the code for systems that want it. */
    private static ObjectNode coded(CodeableConcept concept) {
        ObjectNode node = JSON.objectNode();
        text(concept).ifPresent(t -> node.put("description", t));
        snomed(concept).ifPresent(c -> node.put("snomedCode", c));
        return node;
    }

    private static Optional<String> text(CodeableConcept concept) {
        if (concept.hasText()) {
            return Optional.of(concept.getText());
        }
        return concept.getCoding().stream().filter(Coding::hasDisplay).map(Coding::getDisplay).findFirst()
                .or(() -> concept.getCoding().stream().filter(Coding::hasCode).map(Coding::getCode).findFirst());
    }

    private static Optional<String> snomed(CodeableConcept concept) {
        return concept.getCoding().stream().filter(c -> CodeSystems.SNOMED.equals(c.getSystem()) && c.hasCode())
                .map(Coding::getCode).findFirst();
    }

    private static String join(List<StringType> parts) {
        String joined = parts.stream().map(StringType::getValue).filter(v -> v != null && !v.isBlank())
                .collect(Collectors.joining(" "));
        return joined.isEmpty() ? null : joined;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    /** Drops empty objects and arrays so absent data is absent, not an empty shell the schema must allow. */
    private static void removeEmpty(ObjectNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            var child = node.get(name);
            if (child instanceof ObjectNode object) {
                removeEmpty(object);
            }
            if (child.isContainerNode() && child.isEmpty()) {
                node.remove(name);
            }
        }
    }
}
