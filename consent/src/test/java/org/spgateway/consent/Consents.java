package org.spgateway.consent;

import java.time.Instant;
import java.util.List;
import org.spgateway.consent.model.ConsentStatus;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.model.Period;
import org.spgateway.consent.model.Provision;
import org.spgateway.consent.model.ProvisionType;

/** Test data builders for consents: {@code Consents.permitAll().plus(Provision.deny()...)}. */
public final class Consents {
    public static final String PATIENT = "patient-1";
    public static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private Consents() {
    }

    /** Active, base permit, no provisions: shares whatever the policy permits, but names no class explicitly. */
    public static PatientConsent permitAll() {
        return new PatientConsent("consent-1", "3", PATIENT, ConsentStatus.ACTIVE, Period.ALWAYS,
                ProvisionType.PERMIT, List.of());
    }

    /** {@link #permitAll()} plus a permit provision naming every class, satisfying any explicit-consent rule. */
    public static PatientConsent permitAllExplicitly() {
        return permitAll().plus(Provision.permit().withClasses(DataClass.values()));
    }

    /** Active, base deny, no provisions: shares nothing identifiable. */
    public static PatientConsent denyAll() {
        return permitAll().withBaseDecision(ProvisionType.DENY);
    }
}
