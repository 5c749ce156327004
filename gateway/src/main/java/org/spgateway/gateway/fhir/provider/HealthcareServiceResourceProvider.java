package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import org.hl7.fhir.r4.model.HealthcareService;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.stereotype.Component;

/** The VCS services in the directory (read-only: they come from configuration). */
@Component
public class HealthcareServiceResourceProvider extends StoredResourceProvider<HealthcareService> {

    public HealthcareServiceResourceProvider(ResourceRepository repository, ResourceCodec codec) {
        super(HealthcareService.class, repository, codec);
    }

    @Search
    public IBundleProvider all() {
        return search(SearchParams.forType("HealthcareService").build());
    }
}
