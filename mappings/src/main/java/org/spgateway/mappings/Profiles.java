package org.spgateway.mappings;

/**
 * Canonical URLs of the gateway's profiles (StructureDefinitions), published in its implementation guide (the
 * {@code ig} module builds them into a FHIR package; a test there checks that every URL here is defined). The
 * gateway claims them in {@code meta.profile} of what it creates, and applies the referral profiles to what it
 * receives (docs/gp-integration.md, "Profiles").
 */
public final class Profiles {
    private static final String BASE = CodeSystems.PROJECT_BASE + "/StructureDefinition/";

    /** A social prescribing referral (ServiceRequest) from a GP system. */
    public static final String REFERRAL = BASE + "sp-referral";
    /** The Task the gateway keeps for each referral (SDOH Clinical Care referral-management pattern). */
    public static final String REFERRAL_TASK = BASE + "sp-referral-task";
    /** A patient's consent to sharing with VCS services. */
    public static final String CONSENT = BASE + "sp-consent";
    public static final String OUTCOME_ONS4 = BASE + "sp-outcome-ons4";
    public static final String OUTCOME_SWEMWBS = BASE + "sp-outcome-swemwbs";
    public static final String OUTCOME_WEMWBS = BASE + "sp-outcome-wemwbs";
    public static final String OUTCOME_GOALS = BASE + "sp-outcome-goals";

    private Profiles() {
    }

    /** The profile of the Observation the mapper builds for a measure. */
    public static String outcome(OutcomeMeasure measure) {
        return switch (measure) {
            case ONS4 -> OUTCOME_ONS4;
            case SWEMWBS -> OUTCOME_SWEMWBS;
            case WEMWBS -> OUTCOME_WEMWBS;
            case GOALS -> OUTCOME_GOALS;
        };
    }
}
