package org.spgateway.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Referral transaction Bundles as GP systems send them: the documented example ({@code docs/examples/referral-bundle.json})
 * with fresh {@code urn:uuid} full URLs, a fresh referral identifier and a fresh, valid NHS number (test range, 9xx),
 * so every request is a new referral about a new patient, as in production.
 */
public final class Referrals {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectNode TEMPLATE = load();

    private Referrals() {
    }

    /** The documented example, unchanged. */
    public static String example() {
        return TEMPLATE.toString();
    }

    /** A new referral: the example with new identifiers throughout. */
    public static String unique() {
        return uniqueTree().toString();
    }

    /** {@link #unique()} as a Jackson tree, for callers that mutate it further. */
    public static ObjectNode uniqueTree() {
        ObjectNode bundle = TEMPLATE.deepCopy();
        Map<String, String> urls = new HashMap<>();
        for (JsonNode entry : bundle.get("entry")) {
            urls.put(entry.get("fullUrl").asText(), "urn:uuid:" + UUID.randomUUID());
        }
        String nhs = nhsNumber();
        rewrite(bundle, urls);
        for (JsonNode entry : bundle.get("entry")) {
            ObjectNode resource = (ObjectNode) entry.get("resource");
            String type = resource.get("resourceType").asText();
            if (type.equals("Patient")) {
                ((ObjectNode) resource.get("identifier").get(0)).put("value", nhs);
                ((ObjectNode) entry.get("request")).put("ifNoneExist", "identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhs);
            } else if (type.equals("ServiceRequest")) {
                ((ObjectNode) resource.get("identifier").get(0)).put("value", "REF-" + UUID.randomUUID());
            }
        }
        return bundle;
    }

    /** The ServiceRequest of the example on its own, with its references made absolute (a ~2.4 KB resource when padded). */
    public static String serviceRequest() {
        for (JsonNode entry : TEMPLATE.get("entry")) {
            if (entry.get("resource").get("resourceType").asText().equals("ServiceRequest")) {
                ObjectNode sr = entry.get("resource").deepCopy();
                sr.putObject("subject").put("reference", "Patient/example");
                sr.putObject("requester").put("reference", "Practitioner/example");
                sr.putArray("reasonReference").addObject().put("reference", "Condition/example");
                sr.putArray("supportingInfo").addObject().put("reference", "Consent/example");
                ArrayNode notes = sr.putArray("note");
                // the size of a real referral's free text: what matters to the person, the referrer's narrative
                for (int i = 0; notes.toString().length() < 1400; i++) {
                    notes.addObject().put("text", "What matters to me (" + i + "): getting back to my walking group,"
                            + " seeing friends again and feeling less alone since my husband died last spring.");
                }
                return sr.toString();
            }
        }
        throw new IllegalStateException("the example has no ServiceRequest");
    }

    /** A random NHS number in the test range (starting 9) with a valid modulus-11 check digit. */
    public static String nhsNumber() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            int[] digits = new int[10];
            digits[0] = 9;
            int sum = 9 * 10;
            for (int i = 1; i < 9; i++) {
                digits[i] = random.nextInt(10);
                sum += digits[i] * (10 - i);
            }
            int check = 11 - (sum % 11);
            if (check == 10) {
                continue;
            }
            digits[9] = check == 11 ? 0 : check;
            StringBuilder s = new StringBuilder(10);
            for (int d : digits) {
                s.append(d);
            }
            return s.toString();
        }
    }

    private static void rewrite(JsonNode node, Map<String, String> urls) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (value.isTextual() && urls.containsKey(value.asText())) {
                    field.setValue(object.textNode(urls.get(value.asText())));
                } else {
                    rewrite(value, urls);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (JsonNode element : array) {
                rewrite(element, urls);
            }
        }
    }

    private static ObjectNode load() {
        try (InputStream in = Referrals.class.getResourceAsStream("/examples/referral-bundle.json")) {
            if (in == null) {
                throw new IllegalStateException("examples/referral-bundle.json is not on the class path");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
