package org.spgateway.mappings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field classification of the {@code referral.created} v1 payload: which data class (the consent module's
 * {@code DataClass} ids) each patient-data field holds, and which fields are envelope (routing metadata, never
 * redacted, always scalars).
 *
 * <p>Pointers never nest, so a withheld class can never ride out under a permitted parent. Where the sharing policy
 * distinguishes a coarse and a fine form (address vs postcode district, date of birth vs age band, referral reason vs
 * goals, safety flag vs guidance), the payload carries both as separate fields and the consent module drops one.
 *
 * <p>Why the requested service ({@code requestedService}, {@code requestedServiceCode}), {@code priority},
 * {@code referredAt} and {@code doNotContactPatient} are envelope: they describe the work asked of the recipient, not
 * the person, and they are what a service needs to accept or decline even when consent lets nothing else through.
 * On their own they identify no one. {@code doNotContactPatient} must reach the service precisely when contact
 * details are withheld, so it can never be redacted.
 */
public final class ReferralCreatedFields {

    /** Data class id per JSON Pointer, in payload order. */
    public static final Map<String, String> DATA_CLASSES;

    /** JSON Pointers of envelope fields, in payload order. */
    public static final List<String> ENVELOPE = List.of(
            "/type", "/schemaVersion", "/messageId", "/referralId", "/createdAt", "/serviceId", "/priority",
            "/requestedService", "/requestedServiceCode", "/referredAt", "/doNotContactPatient");

    static {
        var fields = new LinkedHashMap<String, String>();
        fields.put("/patient/name", "name");
        fields.put("/patient/preferredName", "name");
        fields.put("/patient/contact", "contact-details");
        fields.put("/patient/address", "address");
        fields.put("/patient/postcodeDistrict", "postcode-district");
        fields.put("/patient/dateOfBirth", "date-of-birth");
        fields.put("/patient/ageBand", "age-band");
        fields.put("/patient/nhsNumber", "nhs-number");
        fields.put("/patient/communicationNeeds", "communication-needs");
        fields.put("/referral/reason", "referral-reason");
        fields.put("/referral/whatMattersToMe", "referral-reason");
        fields.put("/referral/notes", "referral-reason");
        fields.put("/referral/goals", "goals");
        fields.put("/referral/socialNeeds", "social-needs");
        fields.put("/referral/conditions", "conditions");
        fields.put("/referral/medications", "medications");
        fields.put("/safety/flag", "safety-flag");
        fields.put("/safety/guidance", "safety-guidance");
        fields.put("/referrer", "referrer-contact");
        DATA_CLASSES = Collections.unmodifiableMap(fields);
    }

    private ReferralCreatedFields() {
    }
}
