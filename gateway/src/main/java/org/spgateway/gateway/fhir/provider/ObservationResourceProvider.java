package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.stereotype.Component;

/** Outcome measures (ONS4, SWEMWBS, WEMWBS, goals) reported by VCS services; read-only for GP systems. */
@Component
public class ObservationResourceProvider extends StoredResourceProvider<Observation> {

    public ObservationResourceProvider(ResourceRepository repository, ResourceCodec codec) {
        super(Observation.class, repository, codec);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = Observation.SP_PATIENT, targetTypes = Patient.class) ReferenceOrListParam patient,
            @OptionalParam(name = Observation.SP_BASED_ON, targetTypes = ServiceRequest.class) ReferenceOrListParam basedOn,
            @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdated) {
        return search(SearchParams.forType("Observation")
                .reference("patient", patient, "Patient")
                .reference("based-on", basedOn, "ServiceRequest")
                .lastUpdated(lastUpdated)
                .build());
    }
}
