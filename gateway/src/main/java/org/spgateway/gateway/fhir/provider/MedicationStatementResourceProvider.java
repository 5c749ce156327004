package org.spgateway.gateway.fhir.provider;

import org.hl7.fhir.r4.model.MedicationStatement;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/**
 * Medication statements a GP system sends with a referral. Stored for the record; the default sharing policy
 * never discloses medications to any VCS role.
 */
@Component
public class MedicationStatementResourceProvider extends WritableResourceProvider<MedicationStatement> {

    public MedicationStatementResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(MedicationStatement.class, repository, codec, writes);
    }
}
