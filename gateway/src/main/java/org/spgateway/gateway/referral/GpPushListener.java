package org.spgateway.gateway.referral;

import ca.uhn.fhir.context.FhirContext;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.delivery.Outbox;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.routing.ReferralRoutes;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.WriteSession;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Closes the loop into the GP record: every new version of a routed referral's Task, and every outcome Observation,
 * is queued for the referring practice's GP FHIR endpoint (when it has one) in the same transaction as the change.
 * PUT by id, so a retried push is idempotent on the GP side.
 */
@Component
@Order(30)
public class GpPushListener implements ResourceWriteListener {

    private final ReferralRoutes routes;
    private final DirectoryProperties directory;
    private final Outbox outbox;
    private final FhirContext fhirContext;

    public GpPushListener(ReferralRoutes routes, DirectoryProperties directory, Outbox outbox, FhirContext fhirContext) {
        this.routes = routes;
        this.directory = directory;
        this.outbox = outbox;
        this.fhirContext = fhirContext;
    }

    @Override
    public void afterWrite(WriteSession session, Resource written, Optional<Resource> previous) {
        String referralId;
        if (written instanceof Task task && task.getFocus().getReferenceElement().getResourceType() != null) {
            referralId = task.getFocus().getReferenceElement().getIdPart();
        } else if (written instanceof Observation obs && obs.hasBasedOn()) {
            referralId = obs.getBasedOnFirstRep().getReferenceElement().getIdPart();
        } else {
            return;
        }
        String practiceId = routes.find(referralId).map(ReferralRoutes.Route::practiceId).orElse(null);
        boolean pushes = practiceId != null && directory.practice(practiceId).map(DirectoryProperties.Practice::gpFhirBase)
                .filter(b -> !b.isBlank()).isPresent();
        if (!pushes) {
            return;
        }
        String path = written.fhirType() + "/" + written.getIdElement().getIdPart();
        outbox.enqueue(new OutboxMessage("gp_" + UUID.randomUUID().toString().replace("-", ""), OutboxMessage.Channel.GP_PUSH,
                practiceId, referralId, written.fhirType().toLowerCase() + ".updated", "PUT", path,
                fhirContext.newJsonParser().encodeResourceToString(written)));
    }
}
