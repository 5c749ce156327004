package org.spgateway.consent.disclosure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.spgateway.consent.DataClass;

/** The synthetic referral payload and its field classification, shared by the disclosure tests. */
final class ReferralPayloads {
    static final ObjectMapper JSON = new ObjectMapper();

    static final FieldClassification CLASSIFICATION = FieldClassification.of(fields())
            .withEnvelope("/event", "/schemaVersion", "/messageId", "/referralId");

    private ReferralPayloads() {
    }

    private static Map<String, DataClass> fields() {
        var fields = new LinkedHashMap<String, DataClass>();
        fields.put("/patient/name", DataClass.NAME);
        fields.put("/patient/telecom", DataClass.CONTACT_DETAILS);
        fields.put("/patient/address", DataClass.ADDRESS);
        fields.put("/patient/postcodeDistrict", DataClass.POSTCODE_DISTRICT);
        fields.put("/patient/birthDate", DataClass.DATE_OF_BIRTH);
        fields.put("/patient/ageBand", DataClass.AGE_BAND);
        fields.put("/patient/nhsNumber", DataClass.NHS_NUMBER);
        fields.put("/patient/communicationNeeds", DataClass.COMMUNICATION_NEEDS);
        fields.put("/referral/reason", DataClass.REFERRAL_REASON);
        fields.put("/referral/whatMattersToMe", DataClass.REFERRAL_REASON);
        fields.put("/referral/goals", DataClass.GOALS);
        fields.put("/referral/socialNeeds", DataClass.SOCIAL_NEEDS);
        fields.put("/referral/conditions", DataClass.CONDITIONS);
        fields.put("/referral/medications", DataClass.MEDICATIONS);
        fields.put("/referral/safety/flag", DataClass.SAFETY_FLAG);
        fields.put("/referral/safety/guidance", DataClass.SAFETY_GUIDANCE);
        fields.put("/referrer", DataClass.REFERRER_CONTACT);
        return fields;
    }

    /** A fresh copy of the full referral payload. */
    static ObjectNode referral() {
        return (ObjectNode) read("/disclosure/referral-input.json");
    }

    static com.fasterxml.jackson.databind.JsonNode read(String resource) {
        try (InputStream in = ReferralPayloads.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
