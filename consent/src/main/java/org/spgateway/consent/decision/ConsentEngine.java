package org.spgateway.consent.decision;

import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.model.Provision;
import org.spgateway.consent.model.ProvisionType;
import org.spgateway.consent.policy.Rule;
import org.spgateway.consent.policy.SharingPolicy;

/**
 * Decides, class by class, what a recipient may receive. Pure: same request, same decision; no I/O, no clock.
 *
 * <p>For each class present, the first of these that applies decides:
 * <ol>
 *   <li>the policy does not cover the purpose: deny;</li>
 *   <li>the policy rule for (role, class) is {@code deny}: deny, whatever the consent says;</li>
 *   <li>contacting the patient is prohibited and the class is {@link DataClass#CONTACT_DETAILS} or
 *       {@link DataClass#ADDRESS}: deny. The postcode district stays, as it cannot be used to reach the patient
 *       and services need it to check their catchment area;</li>
 *   <li>a deny provision of the consent applies (to this recipient, purpose and instant) and covers the class: deny.
 *       Deny provisions count whatever the consent's status, so withdrawing a consent never lifts a restriction;</li>
 *   <li>the rule is {@code explicit-consent}: permit only if the consent is in force and a permit provision that
 *       applies names the class; a base "permit" is not explicit consent;</li>
 *   <li>the class is identifiable: permit only if the consent is in force and its base decision, or an applicable
 *       permit provision covering the class, permits it;</li>
 *   <li>otherwise (a non-identifiable class the policy permits): permit. Consent governs personal data; coded,
 *       non-identifying data such as a safety flag may go so the service can prepare.</li>
 * </ol>
 * Hence a consent can only narrow the policy, except that it can satisfy an {@code explicit-consent} rule.
 */
public final class ConsentEngine {
    private final SharingPolicy policy;

    public ConsentEngine(SharingPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The policy this engine applies. */
    public SharingPolicy policy() {
        return policy;
    }

    /** Decides one disclosure. */
    public Decision decide(DecisionRequest request) {
        var consent = request.consent();
        var state = consentState(request);
        var classes = new EnumMap<DataClass, ClassDecision>(DataClass.class);
        for (DataClass dataClass : request.classesPresent()) {
            classes.put(dataClass, decideClass(request, state, dataClass));
        }
        return new Decision(policy.version(), request.recipient(), request.purpose(), state,
                consent == null ? null : consent.consentId(), consent == null ? null : consent.versionId(),
                classes, request.at());
    }

    private ConsentState consentState(DecisionRequest request) {
        var consent = request.consent();
        if (consent == null) {
            return ConsentState.NO_CONSENT;
        }
        if (!consent.inForceAt(request.at())) {
            return ConsentState.CONSENT_NOT_ACTIVE;
        }
        var applicable = applicable(consent, request);
        boolean recipientDenied = applicable.stream()
                .anyMatch(p -> p.type() == ProvisionType.DENY && p.dataClasses().isEmpty());
        if (recipientDenied) {
            return ConsentState.CONSENT_DENIES_RECIPIENT;
        }
        boolean permitted = consent.baseDecision() == ProvisionType.PERMIT
                || applicable.stream().anyMatch(p -> p.type() == ProvisionType.PERMIT);
        return permitted ? ConsentState.CONSENT_PERMITS_RECIPIENT : ConsentState.CONSENT_DENIES_RECIPIENT;
    }

    private ClassDecision decideClass(DecisionRequest request, ConsentState state, DataClass dataClass) {
        Recipient recipient = request.recipient();
        Rule rule = policy.rule(recipient.role(), dataClass);
        var ruleRef = new PolicyRuleRef(policy.version(), recipient.role(), dataClass, rule);
        var consent = request.consent();

        if (!policy.covers(request.purpose())) {
            return new ClassDecision.Deny(dataClass, DenyGround.PURPOSE_NOT_IN_POLICY,
                    "sharing policy " + policy.version() + " does not cover purpose " + request.purpose(),
                    ruleRef, null);
        }
        if (rule == Rule.DENY) {
            return new ClassDecision.Deny(dataClass, DenyGround.POLICY,
                    "sharing policy " + policy.version() + " never gives " + dataClass.id() + " to role "
                            + recipient.role().id() + ", whatever the consent", ruleRef, null);
        }
        if (request.contactingSubjectProhibited()
                && (dataClass == DataClass.CONTACT_DETAILS || dataClass == DataClass.ADDRESS)) {
            return new ClassDecision.Deny(dataClass, DenyGround.CONTACTING_SUBJECT_PROHIBITED,
                    "contacting the patient is prohibited for this referral "
                            + "(orderDetail contacting-subject-prohibited): " + dataClass.id() + " withheld",
                    ruleRef, null);
        }
        if (consent != null) {
            var denying = firstProvision(consent, request, ProvisionType.DENY, dataClass, false);
            if (denying != null) {
                return new ClassDecision.Deny(dataClass, DenyGround.CONSENT_PROVISION,
                        "the patient's consent denies " + dataClass.id() + " to this recipient ("
                                + denying.part() + ")", ruleRef, denying);
            }
        }
        boolean inForce = state == ConsentState.CONSENT_PERMITS_RECIPIENT;
        if (rule == Rule.EXPLICIT_CONSENT) {
            var explicit = inForce ? firstProvision(consent, request, ProvisionType.PERMIT, dataClass, true) : null;
            if (explicit == null) {
                return new ClassDecision.Deny(dataClass, DenyGround.EXPLICIT_CONSENT_MISSING,
                        "policy " + policy.version() + " gives " + dataClass.id() + " to role " + recipient.role().id()
                                + " only with explicit consent for this class, and no consent provision in force "
                                + "names it for this recipient", ruleRef, null);
            }
            return new ClassDecision.Permit(dataClass, "explicit consent for " + dataClass.id() + " ("
                    + explicit.part() + ") and policy " + policy.version(), ruleRef, explicit);
        }
        if (!dataClass.identifiable()) {
            return new ClassDecision.Permit(dataClass, "policy " + policy.version() + " permits non-identifiable "
                    + dataClass.id() + " for role " + recipient.role().id(), ruleRef, null);
        }
        if (inForce) {
            if (consent.baseDecision() == ProvisionType.PERMIT) {
                var base = new ConsentRef(consent.consentId(), consent.versionId(), null, ProvisionType.PERMIT);
                return new ClassDecision.Permit(dataClass, "the patient's consent permits sharing (base) and policy "
                        + policy.version() + " permits " + dataClass.id(), ruleRef, base);
            }
            var permitting = firstProvision(consent, request, ProvisionType.PERMIT, dataClass, false);
            if (permitting != null) {
                return new ClassDecision.Permit(dataClass, "the patient's consent permits " + dataClass.id()
                        + " (" + permitting.part() + ") and policy " + policy.version() + " permits it",
                        ruleRef, permitting);
            }
        }
        return new ClassDecision.Deny(dataClass, DenyGround.NO_PERMITTING_CONSENT,
                dataClass.id() + " is identifiable and " + withoutConsentText(state), ruleRef, null);
    }

    private static String withoutConsentText(ConsentState state) {
        return switch (state) {
            case NO_CONSENT -> "no consent is recorded for the patient (awaiting consent)";
            case CONSENT_NOT_ACTIVE -> "the patient's consent is not active at this time (awaiting consent)";
            case CONSENT_DENIES_RECIPIENT -> "the patient's consent does not permit sharing with this recipient "
                    + "for this purpose (awaiting consent)";
            case CONSENT_PERMITS_RECIPIENT -> "the patient's consent does not permit this class for this recipient";
        };
    }

    private static List<Provision> applicable(PatientConsent consent, DecisionRequest request) {
        return consent.provisions().stream()
                .filter(p -> p.appliesTo(request.recipient().organisationId(), request.purpose(), request.at()))
                .toList();
    }

    /** The first provision of {@code type} that applies and covers (or, if {@code named}, names) the class. */
    private static ConsentRef firstProvision(PatientConsent consent, DecisionRequest request, ProvisionType type,
                                             DataClass dataClass, boolean named) {
        var provisions = consent.provisions();
        for (int i = 0; i < provisions.size(); i++) {
            Provision p = provisions.get(i);
            if (p.type() == type
                    && p.appliesTo(request.recipient().organisationId(), request.purpose(), request.at())
                    && (named ? p.names(dataClass) : p.covers(dataClass))) {
                return new ConsentRef(consent.consentId(), consent.versionId(), i, type);
            }
        }
        return null;
    }
}
