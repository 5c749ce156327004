package org.spgateway.mappings;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code vcs-events/<case>/input.json} is an event body a VCS posts; {@code expected.json} the {@link TaskChange}
 * as JSON, the Task it produces from an accepted baseline, and the outcome Observations (HAPI's JSON encoding).
 */
class VcsEventGoldenTest {
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final Reference PATIENT = new Reference("Patient/pat-1");
    static final Reference TASK = new Reference("Task/ref-7f3c2a");

    static Stream<Arguments> cases() {
        return GoldenFiles.cases("vcs-events");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mapsVcsEventToTheExpectedTaskChange(Path dir) {
        VcsEvent event = new VcsEventParser().parse(GoldenFiles.text(dir.resolve("input.json")));
        TaskChange change = new VcsEventToTaskMapper().map(event, PATIENT, TASK);
        GoldenFiles.assertMatches(dir, toJson(change));
    }

    static ObjectNode toJson(TaskChange change) {
        ObjectNode node = GoldenFiles.JSON.createObjectNode();
        node.put("event", change.event().wireName());
        node.put("referralId", change.referralId());
        node.put("occurredAt", change.occurredAt().toString());
        change.status().ifPresentOrElse(s -> node.put("status", s.toCode()), () -> node.putNull("status"));
        change.businessStatus().ifPresentOrElse(
                b -> node.putObject("businessStatus").put("code", b.code()).put("display", b.display()),
                () -> node.putNull("businessStatus"));
        node.put("statusReason", change.statusReason());
        if (change.owner() == null) {
            node.putNull("owner");
        } else {
            node.putObject("owner").put("name", change.owner().name()).put("phone", change.owner().phone())
                    .put("email", change.owner().email());
        }
        node.put("appointmentAt", change.appointmentAt() == null ? null : java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(change.appointmentAt()));
        ArrayNode notes = node.putArray("notes");
        change.notes().forEach(notes::add);
        node.set("task", fhir(change.applyTo(baseline())));
        ArrayNode outcomes = node.putArray("outcomes");
        for (Observation observation : change.outcomes()) {
            outcomes.add(fhir(observation));
        }
        return node;
    }

    /** The referral as the VCS found it: accepted, no owner yet. */
    static Task baseline() {
        Task task = new Task();
        task.setId("ref-7f3c2a");
        task.setStatus(Task.TaskStatus.ACCEPTED);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setBusinessStatus(BusinessStatus.ACCEPTED.toCodeableConcept());
        task.setFor(PATIENT.copy());
        return task;
    }

    static JsonNode fhir(IBaseResource resource) {
        IParser parser = FHIR.newJsonParser();
        try {
            return GoldenFiles.JSON.readTree(parser.encodeResourceToString(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
