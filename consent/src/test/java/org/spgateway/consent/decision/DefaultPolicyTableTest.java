package org.spgateway.consent.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spgateway.consent.Consents;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.policy.SharingPolicyLoader;

/**
 * The default policy gives exactly the design.md section 3 table. Expected values are written out here, row by
 * row as in the design, not derived from the policy file under test.
 */
class DefaultPolicyTableTest {
    private static final ConsentEngine ENGINE = new ConsentEngine(new SharingPolicyLoader().loadDefault());

    @ParameterizedTest(name = "{0}: link-worker {1}, advice {2}, activity {3}")
    @CsvSource({
            // data class,      link-worker,      advice, activity
            "name,                permit,           permit, permit",
            "contact-details,     permit,           permit, permit",
            "address,             permit,           permit, deny",
            "postcode-district,   permit,           permit, permit",
            "date-of-birth,       permit,           permit, deny",
            "age-band,            permit,           permit, permit",
            "nhs-number,          permit,           deny,   deny",
            "referral-reason,     permit,           permit, deny",
            "goals,               permit,           permit, permit",
            "social-needs,        permit,           permit, deny",
            "conditions,          explicit-consent, deny,   deny",
            "medications,         deny,             deny,   deny",
            "safety-flag,         permit,           permit, permit",
            "safety-guidance,     permit,           permit, deny",
            "communication-needs, permit,           permit, permit",
            "referrer-contact,    permit,           permit, permit",
    })
    void defaultPolicyHasTheDesignTableRules(String classId, String linkWorker, String advice, String activity) {
        var policy = ENGINE.policy();
        DataClass dataClass = DataClass.fromId(classId).orElseThrow();

        assertThat(policy.rule(RecipientRole.LINK_WORKER_SERVICE, dataClass).id()).isEqualTo(linkWorker);
        assertThat(policy.rule(RecipientRole.ADVICE_SERVICE, dataClass).id()).isEqualTo(advice);
        assertThat(policy.rule(RecipientRole.ACTIVITY_PROVIDER, dataClass).id()).isEqualTo(activity);
    }

    /** With a consent that permits everything and names every class, each cell decides alone. */
    @ParameterizedTest(name = "{0} to {1}: {2}")
    @CsvSource({
            "name, link-worker-service, true", "name, advice-service, true", "name, activity-provider, true",
            "contact-details, link-worker-service, true", "contact-details, advice-service, true",
            "contact-details, activity-provider, true",
            "address, link-worker-service, true", "address, advice-service, true",
            "address, activity-provider, false",
            "postcode-district, link-worker-service, true", "postcode-district, advice-service, true",
            "postcode-district, activity-provider, true",
            "date-of-birth, link-worker-service, true", "date-of-birth, advice-service, true",
            "date-of-birth, activity-provider, false",
            "age-band, link-worker-service, true", "age-band, advice-service, true",
            "age-band, activity-provider, true",
            "nhs-number, link-worker-service, true", "nhs-number, advice-service, false",
            "nhs-number, activity-provider, false",
            "referral-reason, link-worker-service, true", "referral-reason, advice-service, true",
            "referral-reason, activity-provider, false",
            "goals, link-worker-service, true", "goals, advice-service, true", "goals, activity-provider, true",
            "social-needs, link-worker-service, true", "social-needs, advice-service, true",
            "social-needs, activity-provider, false",
            "conditions, link-worker-service, true", "conditions, advice-service, false",
            "conditions, activity-provider, false",
            "medications, link-worker-service, false", "medications, advice-service, false",
            "medications, activity-provider, false",
            "safety-flag, link-worker-service, true", "safety-flag, advice-service, true",
            "safety-flag, activity-provider, true",
            "safety-guidance, link-worker-service, true", "safety-guidance, advice-service, true",
            "safety-guidance, activity-provider, false",
            "communication-needs, link-worker-service, true", "communication-needs, advice-service, true",
            "communication-needs, activity-provider, true",
            "referrer-contact, link-worker-service, true", "referrer-contact, advice-service, true",
            "referrer-contact, activity-provider, true",
    })
    void fullyPermissiveConsentGivesExactlyTheDesignTable(String classId, String roleId, boolean expected) {
        DataClass dataClass = DataClass.fromId(classId).orElseThrow();
        RecipientRole role = RecipientRole.fromId(roleId).orElseThrow();

        Decision decision = ENGINE.decide(request(Consents.permitAllExplicitly(), role));

        ClassDecision classDecision = decision.decisionFor(dataClass).orElseThrow();
        assertThat(classDecision.permitted()).isEqualTo(expected);
        assertThat(decision.permitted().contains(dataClass)).isEqualTo(expected);
        assertThat(decision.denied().contains(dataClass)).isEqualTo(!expected);
        assertThat(classDecision.rule().policyVersion()).isEqualTo("2026.1-default");
        assertThat(classDecision.rule().role()).isEqualTo(role);
        assertThat(classDecision.rule().dataClass()).isEqualTo(dataClass);
    }

    static DecisionRequest request(PatientConsent consent, RecipientRole role) {
        return new DecisionRequest(Consents.PATIENT, consent, new Recipient("org-" + role.id(), role),
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, EnumSet.allOf(DataClass.class), false, Consents.NOW);
    }

}
