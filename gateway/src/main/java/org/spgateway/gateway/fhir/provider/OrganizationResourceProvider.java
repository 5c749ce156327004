package org.spgateway.gateway.fhir.provider;

import org.hl7.fhir.r4.model.Organization;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/** Organization resources that arrive with referrals (usually inside a transaction Bundle). */
@Component
public class OrganizationResourceProvider extends WritableResourceProvider<Organization> {

    public OrganizationResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Organization.class, repository, codec, writes);
    }
}
