package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.stereotype.Component;

/** Patients' sharing consents. An update to {@code status=inactive} is how a withdrawal arrives. */
@Component
public class ConsentResourceProvider extends WritableResourceProvider<Consent> {

    public ConsentResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Consent.class, repository, codec, writes);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = Consent.SP_PATIENT, targetTypes = Patient.class) ReferenceOrListParam patient,
            @OptionalParam(name = Consent.SP_STATUS) TokenOrListParam status) {
        return search(SearchParams.forType("Consent")
                .reference("patient", patient, "Patient")
                .token("status", status)
                .build());
    }
}
