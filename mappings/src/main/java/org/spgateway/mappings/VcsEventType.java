package org.spgateway.mappings;

import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;

/**
 * The events a VCS organisation posts about a referral, with the Task state each one leads to (design.md section 2,
 * "VCS events -> Task"). {@link #LINK_WORKER_ASSIGNED} changes the owner only.
 */
public enum VcsEventType {
    ACCEPTED("referral.accepted", Task.TaskStatus.ACCEPTED, BusinessStatus.ACCEPTED),
    DECLINED("referral.declined", Task.TaskStatus.REJECTED, BusinessStatus.DECLINED),
    CONTACTED("referral.contacted", Task.TaskStatus.INPROGRESS, BusinessStatus.CONTACTED),
    UNABLE_TO_CONTACT("referral.unable-to-contact", Task.TaskStatus.ONHOLD, BusinessStatus.UNABLE_TO_CONTACT),
    APPOINTMENT_BOOKED("referral.appointment-booked", Task.TaskStatus.INPROGRESS,
            BusinessStatus.FIRST_APPOINTMENT_BOOKED),
    ATTENDING("referral.attending", Task.TaskStatus.INPROGRESS, BusinessStatus.ENGAGED),
    ON_HOLD("referral.on-hold", Task.TaskStatus.ONHOLD, BusinessStatus.ON_HOLD),
    COMPLETED("referral.completed", Task.TaskStatus.COMPLETED, BusinessStatus.COMPLETED),
    CANCELLED("referral.cancelled", Task.TaskStatus.CANCELLED, BusinessStatus.CANCELLED_BY_SERVICE),
    LINK_WORKER_ASSIGNED("link-worker.assigned", null, null);

    private final String wireName;
    private final Task.TaskStatus taskStatus;
    private final BusinessStatus businessStatus;

    VcsEventType(String wireName, Task.TaskStatus taskStatus, BusinessStatus businessStatus) {
        this.wireName = wireName;
        this.taskStatus = taskStatus;
        this.businessStatus = businessStatus;
    }

    /** The {@code type} value in the JSON body, e.g. {@code referral.accepted}. */
    public String wireName() {
        return wireName;
    }

    /** The Task.status this event sets, or empty when it leaves the status unchanged. */
    public Optional<Task.TaskStatus> taskStatus() {
        return Optional.ofNullable(taskStatus);
    }

    /** The Task.businessStatus this event sets, or empty when it leaves it unchanged. */
    public Optional<BusinessStatus> businessStatus() {
        return Optional.ofNullable(businessStatus);
    }

    /** The event type with this wire name, if any. */
    public static Optional<VcsEventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
