package org.spgateway.consent.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.spgateway.consent.DataClass.ADDRESS;
import static org.spgateway.consent.DataClass.AGE_BAND;
import static org.spgateway.consent.DataClass.CONDITIONS;
import static org.spgateway.consent.DataClass.CONTACT_DETAILS;
import static org.spgateway.consent.DataClass.MEDICATIONS;
import static org.spgateway.consent.DataClass.NAME;
import static org.spgateway.consent.DataClass.POSTCODE_DISTRICT;
import static org.spgateway.consent.DataClass.SAFETY_FLAG;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.spgateway.consent.Consents;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.model.ConsentStatus;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.model.Period;
import org.spgateway.consent.model.Provision;
import org.spgateway.consent.model.ProvisionType;
import org.spgateway.consent.policy.Rule;
import org.spgateway.consent.policy.SharingPolicyLoader;

class ConsentEngineTest {
    private static final ConsentEngine ENGINE = new ConsentEngine(new SharingPolicyLoader().loadDefault());
    private static final Recipient LINK_WORKERS = new Recipient("org-lw", RecipientRole.LINK_WORKER_SERVICE);
    private static final Recipient OTHER_LINK_WORKERS = new Recipient("org-lw-2", RecipientRole.LINK_WORKER_SERVICE);
    private static final Recipient ADVICE = new Recipient("org-advice", RecipientRole.ADVICE_SERVICE);
    private static final Recipient ACTIVITIES = new Recipient("org-gym", RecipientRole.ACTIVITY_PROVIDER);
    private static final Set<DataClass> ALL = EnumSet.allOf(DataClass.class);
    private static final Set<DataClass> IDENTIFIABLE = EnumSet.copyOf(
            ALL.stream().filter(DataClass::identifiable).collect(Collectors.toSet()));

    @Test
    void withholdsDiagnosesFromLinkWorkersWhenConsentDoesNotNameThem() {
        Decision decision = decide(Consents.permitAll(), LINK_WORKERS);

        var conditions = (ClassDecision.Deny) decision.decisionFor(CONDITIONS).orElseThrow();
        assertThat(conditions.ground()).isEqualTo(DenyGround.EXPLICIT_CONSENT_MISSING);
        assertThat(conditions.rule().rule()).isEqualTo(Rule.EXPLICIT_CONSENT);
        assertThat(conditions.reason()).contains("only with explicit consent for this class");
        assertThat(decision.permitted()).contains(NAME).doesNotContain(CONDITIONS);
    }

    @Test
    void sharesDiagnosesWithLinkWorkersWhenAPermitProvisionNamesConditions() {
        var consent = Consents.permitAll().plus(Provision.permit().withClasses(CONDITIONS));

        Decision decision = decide(consent, LINK_WORKERS);

        ClassDecision conditions = decision.decisionFor(CONDITIONS).orElseThrow();
        assertThat(conditions.permitted()).isTrue();
        assertThat(conditions.consent()).isEqualTo(new ConsentRef("consent-1", "3", 0, ProvisionType.PERMIT));
        assertThat(conditions.consent().part()).isEqualTo("provision[0]");
    }

    @Test
    void explicitConsentNamingConditionsForAnotherOrganisationDoesNotCount() {
        var consent = Consents.permitAll().plus(Provision.permit().withActor("org-lw-2").withClasses(CONDITIONS));

        assertThat(decide(consent, LINK_WORKERS).denied()).contains(CONDITIONS);
        assertThat(decide(consent, OTHER_LINK_WORKERS).permitted()).contains(CONDITIONS);
    }

    @Test
    void explicitConsentCannotGiveDiagnosesToRolesThePolicyExcludes() {
        Decision decision = decide(Consents.permitAllExplicitly(), ADVICE);

        var conditions = (ClassDecision.Deny) decision.decisionFor(CONDITIONS).orElseThrow();
        assertThat(conditions.ground()).isEqualTo(DenyGround.POLICY);
        assertThat(conditions.reason()).contains("never gives conditions to role advice-service");
    }

    @Test
    void consentNeverWidensThePolicyForMedications() {
        var consent = Consents.permitAll().plus(Provision.permit().withActor("org-lw").withClasses(MEDICATIONS));

        var medications = (ClassDecision.Deny) decide(consent, LINK_WORKERS).decisionFor(MEDICATIONS).orElseThrow();

        assertThat(medications.ground()).isEqualTo(DenyGround.POLICY);
        assertThat(medications.consent()).isNull();
    }

    @Test
    void withholdsEveryIdentifiableClassWhenConsentIsInactive() {
        Decision decision = decide(Consents.permitAllExplicitly().withStatus(ConsentStatus.INACTIVE), LINK_WORKERS);

        assertThat(decision.consentState()).isEqualTo(ConsentState.CONSENT_NOT_ACTIVE);
        assertThat(decision.awaitingConsent()).isTrue();
        assertThat(decision.anyIdentifiablePermitted()).isFalse();
        assertThat(decision.denied()).containsAll(IDENTIFIABLE);
        assertThat(decision.permitted()).allMatch(c -> !c.identifiable()).contains(SAFETY_FLAG, AGE_BAND);
        assertThat(decision.decisionFor(NAME).orElseThrow().reason()).contains("not active", "awaiting consent");
    }

    @Test
    void withholdsEveryIdentifiableClassWhenNoConsentIsRecorded() {
        Decision decision = decide(null, ADVICE);

        assertThat(decision.consentState()).isEqualTo(ConsentState.NO_CONSENT);
        assertThat(decision.awaitingConsent()).isTrue();
        assertThat(decision.consentId()).isNull();
        assertThat(decision.denied()).containsAll(IDENTIFIABLE);
        var name = (ClassDecision.Deny) decision.decisionFor(NAME).orElseThrow();
        assertThat(name.ground()).isEqualTo(DenyGround.NO_PERMITTING_CONSENT);
        assertThat(name.reason()).contains("no consent is recorded");
    }

    @Test
    void withholdsEveryIdentifiableClassOutsideTheConsentPeriod() {
        var expired = new PatientConsent("consent-1", "3", Consents.PATIENT, ConsentStatus.ACTIVE,
                new Period(null, Consents.NOW.minus(Duration.ofDays(1))), ProvisionType.PERMIT, List.of());

        Decision decision = decide(expired, LINK_WORKERS);

        assertThat(decision.consentState()).isEqualTo(ConsentState.CONSENT_NOT_ACTIVE);
        assertThat(decision.anyIdentifiablePermitted()).isFalse();
    }

    @Test
    void baseDenyWithoutPermitsWithholdsIdentifiableClassesAsAwaitingConsent() {
        Decision decision = decide(Consents.denyAll(), LINK_WORKERS);

        assertThat(decision.consentState()).isEqualTo(ConsentState.CONSENT_DENIES_RECIPIENT);
        assertThat(decision.awaitingConsent()).isTrue();
        assertThat(decision.anyIdentifiablePermitted()).isFalse();
    }

    @Test
    void permitProvisionForOneOrganisationOpensOnlyThatOrganisation() {
        var consent = Consents.denyAll().plus(Provision.permit().withActor("org-lw"));

        assertThat(decide(consent, LINK_WORKERS).anyIdentifiablePermitted()).isTrue();
        assertThat(decide(consent, OTHER_LINK_WORKERS).anyIdentifiablePermitted()).isFalse();
        assertThat(decide(consent, OTHER_LINK_WORKERS).consentState())
                .isEqualTo(ConsentState.CONSENT_DENIES_RECIPIENT);
    }

    @Test
    void denyProvisionForOneClassAndOneOrganisationAffectsOnlyThatOrganisation() {
        var consent = Consents.permitAll().plus(Provision.deny().withActor("org-lw").withClasses(ADDRESS));

        Decision denied = decide(consent, LINK_WORKERS);
        Decision other = decide(consent, OTHER_LINK_WORKERS);

        var address = (ClassDecision.Deny) denied.decisionFor(ADDRESS).orElseThrow();
        assertThat(address.ground()).isEqualTo(DenyGround.CONSENT_PROVISION);
        assertThat(address.consent()).isEqualTo(new ConsentRef("consent-1", "3", 0, ProvisionType.DENY));
        assertThat(denied.denied()).containsExactlyInAnyOrder(ADDRESS, CONDITIONS, MEDICATIONS);
        assertThat(other.permitted()).contains(ADDRESS);
        assertThat(other.denied()).containsExactlyInAnyOrder(CONDITIONS, MEDICATIONS);
    }

    @Test
    void denyProvisionOverridesAPermitProvisionForTheSameClass() {
        var consent = Consents.denyAll()
                .plus(Provision.permit().withClasses(NAME, CONDITIONS))
                .plus(Provision.deny().withClasses(CONDITIONS));

        Decision decision = decide(consent, LINK_WORKERS);

        assertThat(decision.permitted()).contains(NAME).doesNotContain(CONDITIONS);
        assertThat(((ClassDecision.Deny) decision.decisionFor(CONDITIONS).orElseThrow()).ground())
                .isEqualTo(DenyGround.CONSENT_PROVISION);
    }

    @Test
    void wholeRecipientDenyProvisionWithholdsEvenNonIdentifiableClasses() {
        var consent = Consents.permitAll().plus(Provision.deny().withActor("org-gym"));

        Decision decision = decide(consent, ACTIVITIES);

        assertThat(decision.consentState()).isEqualTo(ConsentState.CONSENT_DENIES_RECIPIENT);
        assertThat(decision.permitted()).isEmpty();
    }

    @Test
    void provisionWhosePeriodExcludesNowHasNoEffect() {
        var past = new Period(Consents.NOW.minus(Duration.ofDays(30)), Consents.NOW.minus(Duration.ofDays(1)));
        var future = new Period(Consents.NOW.plusSeconds(1), null);
        var consent = Consents.permitAll()
                .plus(Provision.deny().withClasses(NAME).withPeriod(past))
                .plus(Provision.deny().withClasses(ADDRESS).withPeriod(future))
                .plus(Provision.permit().withClasses(CONDITIONS).withPeriod(past));

        Decision decision = decide(consent, LINK_WORKERS);

        assertThat(decision.permitted()).contains(NAME, ADDRESS);
        assertThat(decision.denied()).contains(CONDITIONS);
    }

    @Test
    void provisionIsInForceOnTheLastInstantOfItsPeriod() {
        var consent = Consents.permitAll().plus(Provision.deny().withClasses(NAME)
                .withPeriod(new Period(Consents.NOW.minusSeconds(60), Consents.NOW)));

        assertThat(decide(consent, LINK_WORKERS).denied()).contains(NAME);
    }

    @Test
    void permitProvisionForAnotherPurposeDoesNotPermitThisOne() {
        var consent = Consents.denyAll().plus(Provision.permit().withPurpose(new Purpose("service-evaluation")));

        Decision decision = decide(consent, LINK_WORKERS);

        assertThat(decision.consentState()).isEqualTo(ConsentState.CONSENT_DENIES_RECIPIENT);
        assertThat(decision.anyIdentifiablePermitted()).isFalse();
        assertThat(decision.decisionFor(NAME).orElseThrow().reason()).contains("for this purpose");
    }

    @Test
    void denyProvisionForAnotherPurposeDoesNotWithholdThisOne() {
        var consent = Consents.permitAll()
                .plus(Provision.deny().withClasses(NAME).withPurpose(new Purpose("service-evaluation")));

        assertThat(decide(consent, LINK_WORKERS).permitted()).contains(NAME);
    }

    @Test
    void withholdsEverythingForAPurposeThePolicyDoesNotCover() {
        var request = new DecisionRequest(Consents.PATIENT, Consents.permitAllExplicitly(), LINK_WORKERS,
                new Purpose("research"), ALL, false, Consents.NOW);

        Decision decision = ENGINE.decide(request);

        assertThat(decision.permitted()).isEmpty();
        assertThat(decision.classes().values()).allSatisfy(d -> assertThat(((ClassDecision.Deny) d).ground())
                .isEqualTo(DenyGround.PURPOSE_NOT_IN_POLICY));
    }

    @Test
    void contactingSubjectProhibitedWithholdsContactDetailsAndFullAddressOnly() {
        var request = new DecisionRequest(Consents.PATIENT, Consents.permitAllExplicitly(), LINK_WORKERS,
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, ALL, true, Consents.NOW);

        Decision decision = ENGINE.decide(request);

        assertThat(decision.denied()).containsExactlyInAnyOrder(CONTACT_DETAILS, ADDRESS, MEDICATIONS);
        assertThat(decision.permitted()).contains(NAME, POSTCODE_DISTRICT);
        var contact = (ClassDecision.Deny) decision.decisionFor(CONTACT_DETAILS).orElseThrow();
        assertThat(contact.ground()).isEqualTo(DenyGround.CONTACTING_SUBJECT_PROHIBITED);
        assertThat(contact.reason()).contains("contacting the patient is prohibited", "contact-details withheld");
    }

    @Test
    void withdrawnConsentStillHonoursItsDenyProvisions() {
        var consent = Consents.permitAll().plus(Provision.deny().withClasses(SAFETY_FLAG))
                .withStatus(ConsentStatus.INACTIVE);

        Decision decision = decide(consent, LINK_WORKERS);

        assertThat(decision.denied()).contains(SAFETY_FLAG);
        assertThat(decision.permitted()).contains(AGE_BAND);
    }

    @Test
    void decidesOnlyTheClassesPresent() {
        var request = new DecisionRequest(Consents.PATIENT, Consents.permitAll(), ACTIVITIES,
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, EnumSet.of(NAME, ADDRESS), false, Consents.NOW);

        Decision decision = ENGINE.decide(request);

        assertThat(decision.classes()).containsOnlyKeys(NAME, ADDRESS);
        assertThat(decision.permitted()).containsExactly(NAME);
        assertThat(decision.denied()).containsExactly(ADDRESS);
        assertThat(decision.policyVersion()).isEqualTo("2026.1-default");
        assertThat(decision.consentId()).isEqualTo("consent-1");
        assertThat(decision.consentVersion()).isEqualTo("3");
    }

    @Test
    void refusesAnotherPatientsConsent() {
        var consent = new PatientConsent("consent-9", "1", "patient-2", ConsentStatus.ACTIVE, Period.ALWAYS,
                ProvisionType.PERMIT, List.of());

        assertThatIllegalArgumentException().isThrownBy(() -> decide(consent, LINK_WORKERS))
                .withMessageContaining("consent-9").withMessageNotContaining("patient-1");
    }

    @Test
    void sameRequestGivesTheSameDecision() {
        var consent = Consents.permitAll().plus(Provision.deny().withClasses(NAME));

        assertThat(decide(consent, LINK_WORKERS)).isEqualTo(decide(consent, LINK_WORKERS));
    }

    private static Decision decide(PatientConsent consent, Recipient recipient) {
        return ENGINE.decide(new DecisionRequest(Consents.PATIENT, consent, recipient,
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, ALL, false, Consents.NOW));
    }
}
