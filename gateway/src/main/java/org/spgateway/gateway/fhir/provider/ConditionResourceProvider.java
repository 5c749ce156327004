package org.spgateway.gateway.fhir.provider;

import org.hl7.fhir.r4.model.Condition;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/** Condition resources that arrive with referrals (usually inside a transaction Bundle). */
@Component
public class ConditionResourceProvider extends WritableResourceProvider<Condition> {

    public ConditionResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Condition.class, repository, codec, writes);
    }
}
