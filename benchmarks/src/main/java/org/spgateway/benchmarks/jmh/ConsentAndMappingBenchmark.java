package org.spgateway.benchmarks.jmh;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.spgateway.benchmarks.Referrals;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.decision.ConsentEngine;
import org.spgateway.consent.disclosure.DisclosureGate;
import org.spgateway.consent.disclosure.DisclosureRequest;
import org.spgateway.consent.disclosure.FieldClassification;
import org.spgateway.consent.disclosure.GatedPayload;
import org.spgateway.consent.disclosure.PolicyDisclosureGate;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.policy.SharingPolicyLoader;
import org.spgateway.gateway.sharing.FhirConsentMapper;
import org.spgateway.mappings.ReferralContext;
import org.spgateway.mappings.ReferralToVcsMapper;
import org.spgateway.mappings.VcsReferral;

/**
 * The two steps of dispatch that are pure computation: the VCS mapping of the example referral, and the consent gate
 * (the decision under the default sharing policy and the patient's consent, and the redaction of the payload) for a
 * link-worker service, as ReferralDispatcher runs them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConsentAndMappingBenchmark {

    private final ReferralToVcsMapper mapper = new ReferralToVcsMapper();
    private ReferralContext context;
    private DisclosureGate gate;
    private DisclosureRequest request;

    @Setup
    public void setUp() {
        Bundle bundle = FhirFixtures.FHIR.newJsonParser().parseResource(Bundle.class, Referrals.example());
        Map<String, Resource> byType = new HashMap<>();
        int n = 0;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            resource.setId(resource.fhirType() + "/id-" + n++);
            byType.put(resource.fhirType(), resource);
        }
        Patient patient = (Patient) byType.get("Patient");
        Consent consent = (Consent) byType.get("Consent");
        context = new ReferralContext((ServiceRequest) byType.get("ServiceRequest"), patient, consent,
                List.of((Condition) byType.get("Condition")), List.of(), (Practitioner) byType.get("Practitioner"),
                (Organization) byType.get("Organization"), "referral-1", "msg_1", "vcs-link-workers", Instant.now());
        gate = new PolicyDisclosureGate(new ConsentEngine(new SharingPolicyLoader().loadDefault()));
        PatientConsent patientConsent = new FhirConsentMapper().map(consent, patient.getIdElement().getIdPart());
        VcsReferral vcs = mapper.map(context);
        Map<String, DataClass> classes = new HashMap<>();
        vcs.classification().forEach((pointer, id) -> classes.put(pointer, DataClass.fromId(id).orElseThrow()));
        request = new DisclosureRequest("msg_1", new Recipient("vcs-link-workers", RecipientRole.fromId("link-worker-service")
                .orElseThrow()), patient.getIdElement().getIdPart(), Purpose.SOCIAL_PRESCRIBING_REFERRAL, vcs.payload(),
                new FieldClassification(classes, new HashSet<>(vcs.envelope())), patientConsent,
                vcs.contactingSubjectProhibited(), Instant.now());
        if (gate.gate(request).awaitingConsent()) {
            throw new IllegalStateException("the example's consent should permit disclosure to a link-worker service");
        }
    }

    @Benchmark
    public VcsReferral vcsMapping() {
        return mapper.map(context);
    }

    @Benchmark
    public GatedPayload consentDecisionAndRedaction() {
        return gate.gate(request);
    }
}
