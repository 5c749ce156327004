package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ReferralStateMachineTest {
    private final ReferralStateMachine machine = new ReferralStateMachine();

    @ParameterizedTest(name = "{0}/{1} + {2} -> {3}")
    @CsvSource({
            // status, businessStatus (or empty), event, allowed
            "requested,sent,referral.accepted,true",
            "requested,sent,referral.declined,true",
            "requested,sent,referral.contacted,true",
            "requested,sent,referral.unable-to-contact,true",
            "requested,sent,referral.appointment-booked,true",
            "requested,sent,referral.cancelled,true",
            "requested,sent,link-worker.assigned,true",
            "requested,sent,referral.attending,false",
            "requested,sent,referral.on-hold,false",
            "requested,sent,referral.completed,false",
            "requested,delivery-failed,referral.accepted,true",
            "requested,,referral.accepted,true",
            "received,,referral.accepted,true",
            "accepted,accepted,referral.accepted,false",
            "accepted,accepted,referral.declined,true",
            "accepted,accepted,referral.attending,true",
            "accepted,accepted,referral.completed,true",
            "in-progress,contacted,referral.contacted,true",
            "in-progress,engaged,referral.declined,false",
            "in-progress,engaged,referral.on-hold,true",
            "in-progress,engaged,referral.completed,true",
            "on-hold,unable-to-contact,referral.accepted,true",
            "on-hold,unable-to-contact,referral.declined,true",
            "on-hold,on-hold,referral.accepted,false",
            "on-hold,on-hold,referral.declined,false",
            "on-hold,on-hold,referral.attending,true",
            "on-hold,on-hold,referral.completed,true",
            "on-hold,awaiting-consent,referral.accepted,false",
            "on-hold,awaiting-consent,link-worker.assigned,false",
            "requested,no-matching-service,referral.accepted,false",
            "in-progress,consent-withdrawn,referral.contacted,false",
            "completed,completed,referral.contacted,false",
            "completed,completed,link-worker.assigned,false",
            "rejected,declined,referral.accepted,false",
            "cancelled,cancelled-by-referrer,referral.completed,false",
            "draft,,referral.accepted,false",
    })
    void allowsOnlyTheTransitionsInTheTable(String status, String businessStatus, String event, boolean allowed) {
        var result = machine.check(Task.TaskStatus.fromCode(status),
                businessStatus == null ? null : BusinessStatus.fromCode(businessStatus).orElseThrow(),
                VcsEventType.fromWireName(event).orElseThrow());
        assertThat(result.allowed()).isEqualTo(allowed);
        assertThat(result.refusal() == null).isEqualTo(allowed);
    }

    @Test
    void refusesContactedAfterCompletedWithAClearReason() {
        Task task = new Task().setStatus(Task.TaskStatus.COMPLETED)
                .setBusinessStatus(BusinessStatus.COMPLETED.toCodeableConcept());
        var result = machine.check(task, VcsEventType.CONTACTED);
        assertThat(result.allowed()).isFalse();
        assertThat(result.refusal()).isEqualTo(
                "referral.contacted is not allowed: the referral is already completed; a new episode needs a new referral");
    }

    @Test
    void tellsTheServiceToAcceptBeforeCompleting() {
        var result = machine.check(Task.TaskStatus.REQUESTED, BusinessStatus.SENT, VcsEventType.COMPLETED);
        assertThat(result.refusal()).isEqualTo(
                "referral.completed is not allowed when the referral is sent (requested); send referral.accepted first");
    }

    @ParameterizedTest
    @EnumSource(value = Task.TaskStatus.class, names = {"COMPLETED", "REJECTED", "CANCELLED", "FAILED",
            "ENTEREDINERROR"})
    void acceptsNoEventInATerminalState(Task.TaskStatus terminal) {
        for (VcsEventType event : VcsEventType.values()) {
            assertThat(machine.check(terminal, null, event).allowed()).as(event.wireName()).isFalse();
        }
    }

    @Test
    void linkWorkerMayChangeAnyTimeTheReferralIsOpen() {
        for (Task.TaskStatus open : new Task.TaskStatus[] {Task.TaskStatus.REQUESTED, Task.TaskStatus.ACCEPTED,
                Task.TaskStatus.INPROGRESS, Task.TaskStatus.ONHOLD}) {
            assertThat(machine.check(open, null, VcsEventType.LINK_WORKER_ASSIGNED).allowed()).as(open.toCode())
                    .isTrue();
        }
    }
}
