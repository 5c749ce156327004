package org.spgateway.mappings;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;

/**
 * Social needs a VCS organisation understands, each with a plain code a small charity can read and the SNOMED CT
 * findings that GP systems record for it.
 *
 * <p>Only SNOMED CT concepts whose meaning is well established are listed; a GP system can always send the
 * project code itself ({@link #SYSTEM}, e.g. {@code money-debt}), which is how needs without a listed SNOMED concept
 * are expressed. Codes are read from {@code ServiceRequest.category}, {@code ServiceRequest.reasonCode} and
 * {@code Condition.code}: a Condition coded as a social need is reported as that need, not as a diagnosis, because
 * the sharing policy treats coded needs and diagnoses very differently (design.md section 3).
 */
public enum SocialNeed {
    LONELINESS_ISOLATION("loneliness-isolation", "Loneliness or social isolation",
            // 422650009 Social isolation (finding); 1060711000000102 Lonely (finding, UK extension)
            Set.of("422650009", "1060711000000102")),
    HOUSING("housing", "Housing",
            // 32911000 Homeless (finding); 105531004 Housing unsatisfactory (finding)
            Set.of("32911000", "105531004")),
    MONEY_DEBT("money-debt", "Money or debt", Set.of()),
    EMPLOYMENT("employment", "Employment",
            // 73438004 Unemployed (finding)
            Set.of("73438004")),
    FOOD("food", "Food insecurity",
            // 733423003 Food insecurity (finding)
            Set.of("733423003")),
    PHYSICAL_ACTIVITY("physical-activity", "Physical activity",
            // 415510005 Sedentary lifestyle (finding)
            Set.of("415510005")),
    MENTAL_WELLBEING("mental-wellbeing", "Mental wellbeing", Set.of()),
    CARER_SUPPORT("carer-support", "Support as a carer", Set.of()),
    BEREAVEMENT("bereavement", "Bereavement", Set.of());

    /** Project code system for social needs; its codes are the {@link #code()}s of this enum. */
    public static final String SYSTEM = CodeSystems.PROJECT_BASE + "/CodeSystem/social-need";

    private final String code;
    private final String display;
    private final Set<String> snomedCodes;

    SocialNeed(String code, String display, Set<String> snomedCodes) {
        this.code = code;
        this.display = display;
        this.snomedCodes = snomedCodes;
    }

    /** The code the VCS payload carries. */
    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** SNOMED CT concepts that mean this need. */
    public Set<String> snomedCodes() {
        return snomedCodes;
    }

    /** The need this coding means, if any. */
    public static Optional<SocialNeed> of(Coding coding) {
        if (coding == null || coding.getCode() == null) {
            return Optional.empty();
        }
        if (CodeSystems.SNOMED.equals(coding.getSystem())) {
            return Arrays.stream(values()).filter(n -> n.snomedCodes.contains(coding.getCode())).findFirst();
        }
        if (SYSTEM.equals(coding.getSystem())) {
            return Arrays.stream(values()).filter(n -> n.code.equals(coding.getCode())).findFirst();
        }
        return Optional.empty();
    }
}
