package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import org.hl7.fhir.r4.model.Patient;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/** Patients referred by GP systems; an NHS number, when given, must pass the modulus-11 check. */
@Component
public class PatientResourceProvider extends WritableResourceProvider<Patient> {

    public PatientResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Patient.class, repository, codec, writes);
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = Patient.SP_IDENTIFIER) TokenOrListParam identifier) {
        return search(SearchParams.forType("Patient").token("identifier", identifier).build());
    }
}
