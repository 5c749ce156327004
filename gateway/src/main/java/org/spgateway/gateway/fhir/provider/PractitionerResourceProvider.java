package org.spgateway.gateway.fhir.provider;

import org.hl7.fhir.r4.model.Practitioner;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/** Practitioner resources that arrive with referrals (usually inside a transaction Bundle). */
@Component
public class PractitionerResourceProvider extends WritableResourceProvider<Practitioner> {

    public PractitionerResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Practitioner.class, repository, codec, writes);
    }
}
