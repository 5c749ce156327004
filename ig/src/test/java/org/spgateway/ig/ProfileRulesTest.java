package org.spgateway.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the profiles refuse, and where the validator says so: each rule is shown to fail on input that breaks it. */
class ProfileRulesTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static IgValidator validator;
    static FhirPackage pkg;

    @BeforeAll
    static void load() {
        pkg = FhirPackage.load(FHIR);
        validator = new IgValidator(FHIR, pkg);
    }

    private static <T extends Resource> T example(Class<T> type, String id) {
        return pkg.examples().stream().filter(type::isInstance).map(type::cast)
                .filter(r -> r.getIdElement().getIdPart().equals(id)).map(r -> type.cast(r.copy())).findFirst().orElseThrow();
    }

    private static List<SingleValidationMessage> errors(Resource r) {
        return IgValidator.errors(validator.validate(FHIR.newJsonParser().encodeResourceToString(r)));
    }

    @Test
    void anOns4ItemOutsideZeroToTenIsAnErrorOnThatItem() {
        Observation ons4 = example(Observation.class, "example-ons4");
        ons4.getComponent().get(1).setValue(new org.hl7.fhir.r4.model.IntegerType(11));
        assertThat(errors(ons4)).anySatisfy(m -> {
            assertThat(m.getMessage()).contains("sp-ons4-2");
            assertThat(m.getLocationString()).startsWith("Observation.component[1]");
        });
    }

    @Test
    void aSwemwbsTotalOutOfRangeIsAnError() {
        Observation swemwbs = example(Observation.class, "example-swemwbs");
        swemwbs.setValue(new org.hl7.fhir.r4.model.IntegerType(36));
        assertThat(errors(swemwbs)).anySatisfy(m -> assertThat(m.getMessage()).contains("sp-swemwbs-2"));
    }

    @Test
    void aTaskWithoutItsReferralOrWithAnUnknownBusinessStatusIsRefused() {
        Task task = example(Task.class, "example-referral-task");
        task.setFocus(null);
        task.getBusinessStatus().getCodingFirstRep().setCode("lost");
        assertThat(errors(task)).extracting(SingleValidationMessage::getLocationString)
                .anyMatch(l -> l.equals("Task"))
                .anyMatch(l -> l.startsWith("Task.businessStatus"));
    }

    @Test
    void theReferralProfileAppliesToEveryServiceRequestEvenUnclaimedInsideABundle() {
        ServiceRequest sr = example(ServiceRequest.class, "example-referral");
        sr.setMeta(null);
        sr.getSubject().setReference("Group/g1");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setFullUrl("urn:uuid:0b8f3c1e-7d2a-4c5b-9e6f-1a2b3c4d5e6f").setResource(sr).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
        assertThat(errors(bundle)).anySatisfy(m -> {
            assertThat(m.getLocationString()).startsWith("Bundle.entry[0].resource");
            assertThat(m.getMessage()).contains("sp-referral-1");
        });
    }

    @Test
    void theConsentProfileAppliesToEveryConsent() {
        Consent consent = example(Consent.class, "example-consent");
        consent.setMeta(null);
        consent.setPatient(null);
        assertThat(errors(consent)).anySatisfy(m -> assertThat(m.getMessage()).contains("Consent.patient"));
    }

    @Test
    void aProfileTheGatewayDoesNotHaveIsAWarningAndTheReferralIsStillChecked() {
        ServiceRequest sr = example(ServiceRequest.class, "example-referral");
        sr.getMeta().getProfile().clear();
        sr.getMeta().addProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest");
        var result = validator.validate(FHIR.newJsonParser().encodeResourceToString(sr));
        assertThat(IgValidator.errors(result)).isEmpty();
        assertThat(result.getMessages()).anySatisfy(m -> assertThat(m.getMessage()).contains("UKCore-ServiceRequest"));
        sr.getSubject().setReference("Group/g1");
        assertThat(errors(sr)).isNotEmpty();
    }

    @Test
    void anUnknownDataClassInAConsentIsAnError() {
        Consent consent = example(Consent.class, "example-consent");
        consent.getProvision().getProvisionFirstRep().getCodeFirstRep().getCodingFirstRep().setCode("shoe-size");
        assertThat(errors(consent)).anySatisfy(m -> assertThat(m.getMessage()).contains("shoe-size"));
    }
}
