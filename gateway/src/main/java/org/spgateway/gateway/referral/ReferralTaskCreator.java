package org.spgateway.gateway.referral;

import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.WriteSession;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates the tracking Task of each new referral, claiming the gateway's referral Task profile. The Task follows the
 * SDOH Clinical Care "Task for referral management" shape
 * (https://hl7.org/fhir/us/sdoh-clinicalcare/StructureDefinition-SDOHCC-TaskForReferralManagement.html) without its
 * US-only profile (deviations in docs/conformance.md).
 */
@Component
@Order(10)
public class ReferralTaskCreator implements ResourceWriteListener {

    static final String TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code";

    @Override
    public void afterWrite(WriteSession session, Resource written, Optional<Resource> previous) {
        if (written instanceof ServiceRequest referral && previous.isEmpty()) {
            session.create(taskFor(referral, session));
        }
    }

    private static Task taskFor(ServiceRequest referral, WriteSession session) {
        Date now = Date.from(session.now());
        Task task = new Task();
        task.getMeta().addProfile(org.spgateway.mappings.Profiles.REFERRAL_TASK);
        task.setStatus(Task.TaskStatus.REQUESTED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(referral.hasPriority()
                ? Task.TaskPriority.fromCode(referral.getPriority().toCode()) : Task.TaskPriority.ROUTINE);
        task.setCode(new CodeableConcept(new Coding(TASK_CODE_SYSTEM, "fulfill", "Fulfill the focal request")));
        task.setFocus(new Reference("ServiceRequest/" + referral.getIdElement().getIdPart()));
        task.setFor(referral.getSubject().copy());
        task.setAuthoredOn(now);
        task.setLastModified(now);
        if (referral.hasRequester()) {
            task.setRequester(referral.getRequester().copy());
        }
        return task;
    }
}
