package org.spgateway.gateway.fhir.provider;

import org.hl7.fhir.r4.model.Endpoint;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.stereotype.Component;

/** How each directory service receives referrals (webhook or pull inbox); read-only, from configuration. */
@Component
public class EndpointResourceProvider extends StoredResourceProvider<Endpoint> {

    public EndpointResourceProvider(ResourceRepository repository, ResourceCodec codec) {
        super(Endpoint.class, repository, codec);
    }
}
