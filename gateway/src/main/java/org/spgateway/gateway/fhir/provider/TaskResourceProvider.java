package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.stereotype.Component;

/**
 * The Tasks that track referrals. Read-only for GP systems: the gateway changes them as the VCS reports
 * progress; GP systems read or poll them ({@code _lastUpdated}).
 */
@Component
public class TaskResourceProvider extends StoredResourceProvider<Task> {

    public TaskResourceProvider(ResourceRepository repository, ResourceCodec codec) {
        super(Task.class, repository, codec);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = Task.SP_FOCUS, targetTypes = ServiceRequest.class) ReferenceOrListParam focus,
            @OptionalParam(name = Task.SP_PATIENT, targetTypes = Patient.class) ReferenceOrListParam patient,
            @OptionalParam(name = Task.SP_STATUS) TokenOrListParam status,
            @OptionalParam(name = Task.SP_OWNER, targetTypes = Organization.class) ReferenceOrListParam owner,
            @OptionalParam(name = Task.SP_REQUESTER, targetTypes = {Practitioner.class, PractitionerRole.class,
                    Organization.class}) ReferenceOrListParam requester,
            @OptionalParam(name = Constants.PARAM_LASTUPDATED) DateRangeParam lastUpdated) {
        return search(SearchParams.forType("Task")
                .reference("focus", focus, "ServiceRequest")
                .reference("patient", patient, "Patient")
                .token("status", status)
                .reference("owner", owner, "Organization")
                .reference("requester", requester, "Practitioner")
                .lastUpdated(lastUpdated)
                .build());
    }
}
