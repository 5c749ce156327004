package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.WriteOutcome;
import org.springframework.stereotype.Component;

/** Referrals from GP systems. Creating one also creates its tracking Task, in the same transaction. */
@Component
public class ServiceRequestResourceProvider extends WritableResourceProvider<ServiceRequest> {

    public ServiceRequestResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(ServiceRequest.class, repository, codec, writes);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = ServiceRequest.SP_PATIENT, targetTypes = Patient.class) ReferenceOrListParam patient,
            @OptionalParam(name = ServiceRequest.SP_IDENTIFIER) TokenOrListParam identifier,
            @OptionalParam(name = ServiceRequest.SP_STATUS) TokenOrListParam status,
            @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdated) {
        return search(SearchParams.forType("ServiceRequest")
                .reference("patient", patient, "Patient")
                .token("identifier", identifier)
                .token("status", status)
                .lastUpdated(lastUpdated)
                .build());
    }

    /** Points the GP system at the referral's Task (RFC 8288 Link), so it can follow progress without a search. */
    @Override
    protected void afterCreate(WriteOutcome outcome, RequestDetails request) {
        String focus = "ServiceRequest/" + outcome.resource().getIdElement().getIdPart();
        var tasks = repository.search(SearchQuery.forType("Task")
                .where("focus", java.util.List.of(new SearchQuery.TokenValue(null, focus))).build(), 0, 1);
        if (!tasks.isEmpty() && request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
            servlet.getServletResponse().addHeader("Link",
                    "<" + request.getFhirServerBase() + "/Task/" + tasks.get(0).id() + ">; rel=\"related\"; type=\"Task\"");
        }
    }
}
