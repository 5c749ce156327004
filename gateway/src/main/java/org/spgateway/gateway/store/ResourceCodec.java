package org.spgateway.gateway.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/** Turns stored rows into HAPI resources and back, keeping id, version and lastUpdated consistent. */
@Component
public class ResourceCodec {

    private final FhirContext fhirContext;

    public ResourceCodec(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    public Resource decode(StoredResource stored) {
        IParser parser = fhirContext.newJsonParser();
        Resource resource = (Resource) parser.parseResource(stored.json());
        resource.setIdElement(new IdType(stored.resourceType(), stored.id(), Long.toString(stored.versionId())));
        resource.getMeta().setVersionId(Long.toString(stored.versionId()));
        resource.getMeta().setLastUpdatedElement(new InstantType(java.util.Date.from(stored.lastUpdated())));
        return resource;
    }

    public <T extends Resource> T decode(StoredResource stored, Class<T> type) {
        return type.cast(decode(stored));
    }

    String encode(Resource resource) {
        return fhirContext.newJsonParser().encodeResourceToString(resource);
    }

    public FhirContext fhirContext() {
        return fhirContext;
    }
}
