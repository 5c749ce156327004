package org.spgateway.consent;

import java.util.Arrays;
import java.util.Optional;

/**
 * The data classes of the sharing policy (design.md section 3), split finely enough that every decision is a
 * plain permit or deny: where the design table says "postcode district only" or "flag only", the coarse and the
 * fine form are separate classes ({@link #ADDRESS} / {@link #POSTCODE_DISTRICT}, {@link #SAFETY_FLAG} /
 * {@link #SAFETY_GUIDANCE}, {@link #DATE_OF_BIRTH} / {@link #AGE_BAND}, {@link #REFERRAL_REASON} / {@link #GOALS}).
 *
 * <p>{@link #identifiable()} marks the classes that need a permitting consent before they leave. Free-text classes
 * (referral reason, goals, safety guidance) count as identifiable because free text routinely carries names,
 * places and circumstances. {@link #POSTCODE_DISTRICT} counts as identifiable because combined with age band and
 * needs it can single a person out in a small area (ICO anonymisation guidance, "motivated intruder" test).
 * Conditions and medications are special category health data. Age band, coded social needs, the safety flag,
 * coded communication needs and the referrer's professional contact do not identify the patient on their own.
 */
public enum DataClass {
    NAME("name", "Name, preferred name", true),
    CONTACT_DETAILS("contact-details", "Phone, email", true),
    ADDRESS("address", "Full address", true),
    POSTCODE_DISTRICT("postcode-district", "Postcode district", true),
    DATE_OF_BIRTH("date-of-birth", "Date of birth", true),
    AGE_BAND("age-band", "Age band", false),
    NHS_NUMBER("nhs-number", "NHS number", true),
    REFERRAL_REASON("referral-reason", "Referral reason (free text), what matters to me", true),
    GOALS("goals", "Goals", true),
    SOCIAL_NEEDS("social-needs", "Social needs (coded: isolation, housing, money...)", false),
    CONDITIONS("conditions", "Diagnoses / conditions", true),
    MEDICATIONS("medications", "Medications", true),
    SAFETY_FLAG("safety-flag", "Staff-safety flag (e.g. do not visit alone)", false),
    SAFETY_GUIDANCE("safety-guidance", "Staff-safety guidance (free text)", true),
    COMMUNICATION_NEEDS("communication-needs", "Communication / access needs (interpreter, mobility)", false),
    REFERRER_CONTACT("referrer-contact", "Referring practice and clinician contact", false);

    private final String id;
    private final String label;
    private final boolean identifiable;

    DataClass(String id, String label, boolean identifiable) {
        this.id = id;
        this.label = label;
        this.identifiable = identifiable;
    }

    /** Stable kebab-case identifier used in policy files, audit records and APIs. */
    public String id() {
        return id;
    }

    /** Human label for the IG policy page. */
    public String label() {
        return label;
    }

    /** Whether this class may identify the patient, and so needs a permitting consent. */
    public boolean identifiable() {
        return identifiable;
    }

    /** The class with this {@link #id()}, if any. */
    public static Optional<DataClass> fromId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }
}
