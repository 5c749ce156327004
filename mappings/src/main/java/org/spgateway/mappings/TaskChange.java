package org.spgateway.mappings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * What one VCS event changes on the referral's Task, plus the outcome Observations it brings.
 *
 * @param event          the event type
 * @param referralId     the referral (Task) the event is about
 * @param occurredAt     when it happened at the service
 * @param status         the new Task.status, or empty to leave it (link-worker.assigned)
 * @param businessStatus the new Task.businessStatus, or empty to leave it
 * @param statusReason   the reason given with the new status, or {@code null}
 * @param owner          the newly assigned link worker, or {@code null}
 * @param appointmentAt  the first appointment, or {@code null}
 * @param notes          notes to append to Task.note
 * @param outcomes       outcome Observations (status final, no id yet); the gateway stores them and then adds each to
 *                       Task.output with {@link #outcomeOutput(Reference)}
 */
public record TaskChange(
        VcsEventType event,
        String referralId,
        Instant occurredAt,
        Optional<Task.TaskStatus> status,
        Optional<BusinessStatus> businessStatus,
        String statusReason,
        VcsEvent.LinkWorker owner,
        OffsetDateTime appointmentAt,
        List<String> notes,
        List<Observation> outcomes) {

    /** Id of the contained Practitioner that {@code Task.owner} points at for the link worker. */
    public static final String LINK_WORKER_CONTAINED_ID = "link-worker";

    public TaskChange {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        notes = List.copyOf(notes);
        outcomes = List.copyOf(outcomes);
    }

    /**
     * Applies this change to {@code task} in place: status, businessStatus and statusReason (a status change clears
     * the old reason, which explained the old status), owner, first-appointment output and notes. Outcome
     * Observations are not added; see {@link #outcomeOutput(Reference)}. Does not check that the transition is
     * allowed: call {@link ReferralStateMachine#check(Task, VcsEventType)} first.
     */
    public Task applyTo(Task task) {
        status.ifPresent(task::setStatus);
        businessStatus.ifPresent(b -> {
            task.setBusinessStatus(b.toCodeableConcept());
            task.setStatusReason(null);
        });
        if (statusReason != null) {
            task.setStatusReason(new CodeableConcept().setText(statusReason));
        }
        if (owner != null) {
            // Task.owner is a Reference; the worker's phone and email need a resource to live in. A contained
            // Practitioner keeps them with the Task the GP system reads (https://hl7.org/fhir/R4/references.html#contained).
            Practitioner worker = new Practitioner();
            worker.setId(LINK_WORKER_CONTAINED_ID);
            worker.addName().setText(owner.name());
            if (owner.phone() != null) {
                worker.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(owner.phone());
            }
            if (owner.email() != null) {
                worker.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(owner.email());
            }
            task.getContained().removeIf(r -> r.getIdElement().getIdPart() != null
                    && r.getIdElement().getIdPart().equals(LINK_WORKER_CONTAINED_ID));
            task.addContained(worker);
            task.setOwner(new Reference("#" + LINK_WORKER_CONTAINED_ID).setDisplay(owner.name()));
        }
        if (appointmentAt != null) {
            task.addOutput()
                    .setType(TaskOutputType.FIRST_APPOINTMENT.toCodeableConcept())
                    .setValue(new DateTimeType(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(appointmentAt)));
        }
        for (String note : notes) {
            task.addNote(new Annotation().setText(note).setTime(Date.from(occurredAt)));
        }
        return task;
    }

    /** A Task.output entry pointing at a stored outcome Observation. */
    public static Task.TaskOutputComponent outcomeOutput(Reference observation) {
        return new Task.TaskOutputComponent()
                .setType(TaskOutputType.OUTCOME_MEASURE.toCodeableConcept())
                .setValue(observation);
    }
}
