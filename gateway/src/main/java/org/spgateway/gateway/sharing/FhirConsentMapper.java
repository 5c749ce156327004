package org.spgateway.gateway.sharing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.model.ConsentStatus;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.model.Period;
import org.spgateway.consent.model.Provision;
import org.spgateway.consent.model.ProvisionType;

/**
 * Maps a FHIR R4 Consent (scope patient-privacy) onto the consent engine's model.
 *
 * <ul>
 *   <li>{@code status} maps one to one; only {@code active} can permit anything.</li>
 *   <li>The root {@code provision.type} is the base decision; when absent, {@code policyRule} OPTOUT means deny and
 *       anything else permit (a recorded, active consent to the referral).</li>
 *   <li>Nested provisions become flat provisions: {@code actor.reference} {@code Organization/<id>} names the
 *       recipient; {@code class} and {@code code} codings from {@value #DATA_CLASS_SYSTEM} name data classes;
 *       {@code period} and {@code purpose} carry over. A provision naming an unknown data class code denies (for a
 *       deny) or is ignored (for a permit), so an unknown code can only narrow.</li>
 * </ul>
 */
public final class FhirConsentMapper {

    public static final String DATA_CLASS_SYSTEM = org.spgateway.mappings.CodeSystems.DATA_CLASS;

    public PatientConsent map(Consent consent, String patientId) {
        Consent.ProvisionComponent root = consent.getProvision();
        ProvisionType base = root.hasType()
                ? (root.getType() == Consent.ConsentProvisionType.DENY ? ProvisionType.DENY : ProvisionType.PERMIT)
                : (isOptOut(consent) ? ProvisionType.DENY : ProvisionType.PERMIT);
        List<Provision> provisions = new ArrayList<>();
        for (Consent.ProvisionComponent nested : root.getProvision()) {
            flatten(nested, provisions);
        }
        return new PatientConsent(consent.getIdElement().getIdPart(), consent.getMeta().getVersionId(), patientId,
                status(consent.getStatus()), period(root.getPeriod()), base, provisions);
    }

    private static void flatten(Consent.ProvisionComponent p, List<Provision> out) {
        ProvisionType type = p.getType() == Consent.ConsentProvisionType.DENY ? ProvisionType.DENY : ProvisionType.PERMIT;
        Set<DataClass> classes = EnumSet.noneOf(DataClass.class);
        boolean unknownClass = false;
        List<Coding> codings = new ArrayList<>(p.getClass_());
        for (CodeableConcept code : p.getCode()) {
            codings.addAll(code.getCoding());
        }
        for (Coding coding : codings) {
            if (DATA_CLASS_SYSTEM.equals(coding.getSystem())) {
                Optional<DataClass> dc = DataClass.fromId(coding.getCode());
                if (dc.isPresent()) {
                    classes.add(dc.get());
                } else {
                    unknownClass = true;
                }
            }
        }
        if (unknownClass && classes.isEmpty() && type == ProvisionType.PERMIT) {
            return; // a permit for something we cannot name permits nothing
        }
        List<String> actors = p.getActor().stream().map(a -> a.getReference().getReferenceElement())
                .filter(id -> "Organization".equals(id.getResourceType())).map(id -> id.getIdPart()).toList();
        List<Purpose> purposes = p.getPurpose().stream().map(c -> new Purpose(c.getCode())).toList();
        for (String actor : actors.isEmpty() ? java.util.Collections.<String>singletonList(null) : actors) {
            for (Purpose purpose : purposes.isEmpty() ? java.util.Collections.<Purpose>singletonList(null) : purposes) {
                Provision provision = type == ProvisionType.DENY ? Provision.deny() : Provision.permit();
                if (actor != null) {
                    provision = provision.withActor(actor);
                }
                if (!classes.isEmpty()) {
                    provision = provision.withClasses(classes);
                }
                if (p.hasPeriod()) {
                    provision = provision.withPeriod(period(p.getPeriod()));
                }
                if (purpose != null) {
                    provision = provision.withPurpose(purpose);
                }
                out.add(provision);
            }
        }
        for (Consent.ProvisionComponent deeper : p.getProvision()) {
            flatten(deeper, out);
        }
    }

    private static boolean isOptOut(Consent consent) {
        return consent.getPolicyRule().getCoding().stream().anyMatch(c -> "OPTOUT".equals(c.getCode()));
    }

    private static Period period(org.hl7.fhir.r4.model.Period period) {
        if (period == null || period.isEmpty()) {
            return Period.ALWAYS;
        }
        Instant start = period.hasStart() ? period.getStart().toInstant() : null;
        Instant end = period.hasEnd() ? period.getEnd().toInstant() : null;
        return new Period(start, end);
    }

    private static ConsentStatus status(Consent.ConsentState state) {
        if (state == null) {
            return ConsentStatus.OTHER;
        }
        return switch (state) {
            case ACTIVE -> ConsentStatus.ACTIVE;
            case INACTIVE -> ConsentStatus.INACTIVE;
            case DRAFT -> ConsentStatus.DRAFT;
            case PROPOSED -> ConsentStatus.PROPOSED;
            case REJECTED -> ConsentStatus.REJECTED;
            case ENTEREDINERROR -> ConsentStatus.ENTERED_IN_ERROR;
            default -> ConsentStatus.OTHER;
        };
    }
}
