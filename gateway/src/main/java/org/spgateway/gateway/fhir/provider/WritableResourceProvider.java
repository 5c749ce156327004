package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.WriteOutcome;

/** Create (plain and conditional via If-None-Exist) and update (with If-Match) for a stored resource type. */
public abstract class WritableResourceProvider<T extends Resource> extends StoredResourceProvider<T> {

    protected final ResourceWriteService writes;
    private final ConditionalUrls conditionalUrls;

    protected WritableResourceProvider(Class<T> type, ResourceRepository repository, ResourceCodec codec,
                                       ResourceWriteService writes) {
        super(type, repository, codec);
        this.writes = writes;
        this.conditionalUrls = new ConditionalUrls();
    }

    @Create
    public MethodOutcome create(@ResourceParam T resource, @ConditionalUrlParam String conditionalUrl,
                                RequestDetails request) {
        WriteOutcome outcome = writes.inTransaction(session -> conditionalUrl == null
                ? session.create(resource.copy())
                : session.conditionalCreate(resource.copy(), conditionalUrls.toQuery(typeName(), conditionalUrl)));
        afterCreate(outcome, request);
        return toMethodOutcome(outcome);
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam T resource) {
        if (!resource.getIdElement().hasIdPart() || !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
            throw new InvalidRequestException("The resource id in the body (" + resource.getIdElement().getIdPart()
                    + ") must match the id in the URL (" + id.getIdPart() + ")");
        }
        Long expected = id.hasVersionIdPart() ? id.getVersionIdPartAsLong() : null;
        WriteOutcome outcome = writes.inTransaction(session -> session.update(resource.copy(), id.getIdPart(), expected));
        return toMethodOutcome(outcome);
    }

    /** Hook for providers that answer more than the resource (e.g. the referral's Task location). */
    protected void afterCreate(WriteOutcome outcome, RequestDetails request) {
    }

    static MethodOutcome toMethodOutcome(WriteOutcome outcome) {
        MethodOutcome methodOutcome = new MethodOutcome(outcome.resource().getIdElement(), outcome.created());
        methodOutcome.setResource(outcome.resource());
        return methodOutcome;
    }
}
