package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class TaskChangeTest {
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aStatusChangeClearsTheReasonThatExplainedTheOldStatus() {
        Task task = new Task().setStatus(Task.TaskStatus.ONHOLD)
                .setBusinessStatus(BusinessStatus.ON_HOLD.toCodeableConcept())
                .setStatusReason(new CodeableConcept().setText("In hospital"));
        change(VcsEventType.ATTENDING, null, null).applyTo(task);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS);
        assertThat(BusinessStatus.of(task.getBusinessStatus())).contains(BusinessStatus.ENGAGED);
        assertThat(task.hasStatusReason()).isFalse();
    }

    @Test
    void assigningALinkWorkerKeepsStatusAndReplacesThePreviousWorker() {
        Task task = new Task().setStatus(Task.TaskStatus.INPROGRESS)
                .setBusinessStatus(BusinessStatus.ENGAGED.toCodeableConcept());
        change(VcsEventType.LINK_WORKER_ASSIGNED, new VcsEvent.LinkWorker("Sam Patel", "0113 496 0999", null), null)
                .applyTo(task);
        change(VcsEventType.LINK_WORKER_ASSIGNED, new VcsEvent.LinkWorker("Alex Jones", null, "alex@x.example"), null)
                .applyTo(task);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS);
        assertThat(BusinessStatus.of(task.getBusinessStatus())).contains(BusinessStatus.ENGAGED);
        assertThat(task.getContained()).hasSize(1);
        Practitioner worker = (Practitioner) task.getContained().get(0);
        assertThat(worker.getNameFirstRep().getText()).isEqualTo("Alex Jones");
        assertThat(worker.getTelecom()).singleElement().extracting(t -> t.getValue()).isEqualTo("alex@x.example");
        assertThat(task.getOwner().getReference()).isEqualTo("#link-worker");
        assertThat(task.getOwner().getDisplay()).isEqualTo("Alex Jones");
    }

    @Test
    void appendsNotesStampedWithWhenTheyHappened() {
        Task task = new Task().setStatus(Task.TaskStatus.ACCEPTED);
        change(VcsEventType.CONTACTED, null, "First call").applyTo(task);
        change(VcsEventType.CONTACTED, null, "Second call").applyTo(task);
        assertThat(task.getNote()).extracting(n -> n.getText()).containsExactly("First call", "Second call");
        assertThat(task.getNoteFirstRep().getTime().toInstant()).isEqualTo(AT);
    }

    @Test
    void outcomeOutputPointsAtTheStoredObservation() {
        var output = TaskChange.outcomeOutput(new Reference("Observation/obs-1"));
        assertThat(((Reference) output.getValue()).getReference()).isEqualTo("Observation/obs-1");
        assertThat(output.getType().getCodingFirstRep().getCode()).isEqualTo("outcome-measure");
    }

    private static TaskChange change(VcsEventType type, VcsEvent.LinkWorker worker, String note) {
        return new TaskChange(type, "ref-1", AT, type.taskStatus(), type.businessStatus(), null, worker, null,
                note == null ? List.of() : List.of(note), List.of());
    }

}
