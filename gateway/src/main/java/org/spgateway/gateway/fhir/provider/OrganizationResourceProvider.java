package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.stereotype.Component;

/**
 * Organizations: the practices and VCS services of the directory (published from configuration, not writable over
 * FHIR) and the organizations GP systems send with referrals.
 */
@Component
public class OrganizationResourceProvider extends WritableResourceProvider<Organization> {

    private final DirectoryProperties directory;

    public OrganizationResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes,
                                        DirectoryProperties directory) {
        super(Organization.class, repository, codec, writes);
        this.directory = directory;
    }

    @Override
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Organization resource) {
        String target = id.getIdPart();
        if (directory.service(target).isPresent() || directory.practice(target).isPresent()) {
            throw new ForbiddenOperationException("Organization/" + target + " is a directory entry, managed by the gateway's"
                    + " configuration (spgateway.directory); it cannot be changed over FHIR");
        }
        return super.update(id, resource);
    }
}
