package org.spgateway.conformance.reliability;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.conformance.VcsOrganisation;

/**
 * What the reliability tests share: the gateway's settings under test (short delivery timings so a run fits in CI,
 * the keys every node of one deployment must share), the directory pointing at the {@link Receivers}, and the
 * referrals a GP system posts.
 */
final class Suite {

    /** The example referral's practice (ODS code B86001), the one the demo GP system refers from. */
    static final String PRACTICE = "practice-elm-street";
    static final String PRACTICE_RECEIVER = "elm-street";

    /** The gateway's delivery settings in this suite. The lease outlasts one attempt (connect 1 s + response 1.5 s). */
    static final List<String> DELIVERY = List.of(
            "--spgateway.delivery.poll-interval=100ms",
            "--spgateway.delivery.batch-size=5",
            "--spgateway.delivery.lease=5s",
            "--spgateway.delivery.connect-timeout=1s",
            "--spgateway.delivery.response-timeout=1500ms",
            // twenty retries within about a minute: a receiver failing a third of all attempts at random still gets
            // every message (0.35^21 per message)
            "--spgateway.delivery.retry-schedule=200ms,300ms,500ms,1s,1s,2s,2s,2s,3s,3s,3s,3s,3s,3s,3s,3s,3s,3s,3s,3s",
            // the rate limit is per node and in memory: not what these tests are about, and load would trip it
            "--spgateway.rate-limit.enabled=false");

    /** A response slower than this is a timeout to the gateway ({@code response-timeout} above). */
    static final int RESPONSE_TIMEOUT_MILLIS = 1500;

    private static final String TOKEN_KEY = randomKey();
    private static final String AUDIT_KEY = randomKey();
    private static final String WEBHOOK_KEY = randomKey();
    /** Every node seals patient data at rest with the same key (a node with its own generated key refuses to start). */
    private static final String ENCRYPTION_KEY = randomKey();

    /** A VCS service in the directory, pushed to at {@code /vcs/<id>}. */
    record Service(String id, String secret) {
        static Service named(String id) {
            return new Service(id, VcsOrganisation.newSecret());
        }

        VcsOrganisation organisation(String gatewayBase) {
            return new VcsOrganisation(id, secret, gatewayBase);
        }
    }

    private Suite() {
    }

    /** The arguments of a gateway node: delivery settings, shared keys, the practice and the given push services. */
    static List<String> gatewayArgs(Receivers receivers, List<Service> services, String... extra) {
        List<String> args = new ArrayList<>(DELIVERY);
        args.add("--spgateway.security.smart.token-key=" + TOKEN_KEY);
        args.add("--spgateway.audit.signing-key=" + AUDIT_KEY);
        args.add("--spgateway.delivery.ed25519-private-key=" + WEBHOOK_KEY);
        args.add("--spgateway.encryption.keys.reliability=" + ENCRYPTION_KEY);
        args.add("--spgateway.directory.practices[0].id=" + PRACTICE);
        args.add("--spgateway.directory.practices[0].ods-code=B86001");
        args.add("--spgateway.directory.practices[0].name=Elm Street Surgery");
        args.add("--spgateway.directory.practices[0].gp-fhir-base=" + receivers.gpFhirBase(PRACTICE_RECEIVER));
        for (int i = 0; i < services.size(); i++) {
            String p = "--spgateway.directory.services[" + i + "].";
            Service service = services.get(i);
            args.add(p + "id=" + service.id());
            args.add(p + "name=Reliability " + service.id());
            args.add(p + "role=link-worker-service");
            args.add(p + "delivery=push");
            args.add(p + "webhook-url=" + receivers.webhookUrl(service.id()));
            args.add(p + "signing-secrets[0]=" + service.secret());
        }
        args.addAll(List.of(extra));
        return args;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String EXAMPLE = read();

    private static String read() {
        try {
            return Files.readString(Path.of("../docs/examples/referral-bundle.json"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("docs/examples/referral-bundle.json not found (run from conformance-tests)", e);
        }
    }

    /**
     * The example referral (docs/examples/referral-bundle.json: patient, practice, GP, reason, consent, the
     * ServiceRequest) for a new patient, under a new business identifier, naming the service it is for.
     */
    static String referralBundle(String identifier, String serviceId, Random random) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, EXAMPLE);
        String nhsNumber = nhsNumber(random);
        Bundle.BundleEntryComponent patientEntry = bundle.getEntry().get(0);
        for (Identifier id : ((Patient) patientEntry.getResource()).getIdentifier()) {
            if (id.getSystem().equals("https://fhir.nhs.uk/Id/nhs-number")) {
                id.setValue(nhsNumber);
            }
        }
        patientEntry.getRequest().setIfNoneExist("identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhsNumber);
        ServiceRequest referral = (ServiceRequest) bundle.getEntry().get(5).getResource();
        referral.getIdentifierFirstRep().setValue(identifier);
        referral.getPerformer().clear();
        referral.addPerformer(new Reference("Organization/" + serviceId));
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    /** A valid NHS number (modulus 11 check digit) in the 9 range the examples use. */
    static String nhsNumber(Random random) {
        while (true) {
            StringBuilder digits = new StringBuilder("9");
            for (int i = 1; i < 9; i++) {
                digits.append(random.nextInt(10));
            }
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (digits.charAt(i) - '0') * (10 - i);
            }
            int check = 11 - (sum % 11);
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return digits.append(check).toString();
            }
        }
    }

    /** The business identifier system of the example referral (docs/examples/referral-bundle.json). */
    static final String REFERRAL_IDS = "https://fhir.elmstreetsurgery.example/referral-id";

    /** The referrals stored under a business identifier of {@link #REFERRAL_IDS}. */
    static Bundle storedReferrals(org.spgateway.conformance.GpSystem gp, String identifier) throws Exception {
        return gp.search("ServiceRequest", "identifier=" + java.net.URLEncoder.encode(REFERRAL_IDS + "|" + identifier,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The referral's ServiceRequest id in a transaction response, or null if the response does not say. */
    static String serviceRequestId(String transactionResponse) throws Exception {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(transactionResponse);
        for (com.fasterxml.jackson.databind.JsonNode entry : root.path("entry")) {
            String location = entry.path("response").path("location").asText("");
            if (location.startsWith("ServiceRequest/")) {
                return location.split("/")[1];
            }
        }
        return null;
    }
}
