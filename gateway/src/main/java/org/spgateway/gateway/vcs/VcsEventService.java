package org.spgateway.gateway.vcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.referral.ReferralDispatcher;
import org.spgateway.gateway.routing.ReferralRoutes;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.WriteOutcome;
import org.spgateway.gateway.store.WriteSession;
import org.spgateway.mappings.BusinessStatus;
import org.spgateway.mappings.InvalidVcsEventException;
import org.spgateway.mappings.ReferralStateMachine;
import org.spgateway.mappings.TaskChange;
import org.spgateway.mappings.VcsEvent;
import org.spgateway.mappings.VcsEventParser;
import org.spgateway.mappings.VcsEventToTaskMapper;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Applies one VCS event to its referral, in one transaction: the Task change, outcome Observations, the record
 * that makes the event idempotent, and (through the write listeners) the GP push.
 */
@Service
public class VcsEventService {

    /** What happened to an event. */
    public record Applied(String referralId, String taskStatus, String businessStatus, boolean duplicate) {
        public String toJson() {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("referralId", referralId);
            node.put("taskStatus", taskStatus);
            if (businessStatus != null) {
                node.put("businessStatus", businessStatus);
            }
            node.put("duplicate", duplicate);
            return node.toString();
        }
    }

    private final ResourceWriteService writes;
    private final ReferralRoutes routes;
    private final JdbcTemplate jdbc;
    private final VcsEventParser parser = new VcsEventParser();
    private final ReferralStateMachine stateMachine = new ReferralStateMachine();
    private final VcsEventToTaskMapper mapper = new VcsEventToTaskMapper();

    public VcsEventService(ResourceWriteService writes, ReferralRoutes routes, JdbcTemplate jdbc) {
        this.writes = writes;
        this.routes = routes;
        this.jdbc = jdbc;
    }

    public Applied apply(String organisationId, String webhookId, String body) {
        VcsEvent event;
        try {
            event = parser.parse(body);
        } catch (InvalidVcsEventException e) {
            throw new Problem.Exception(Problem.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-event", "Invalid event",
                    "The event does not match its v1 JSON Schema; see errors").withErrors(e.errors()));
        } catch (RuntimeException e) {
            // The schema validator fails on some values instead of reporting them (a number beyond a double's range
            // where the schema expects a string): the event is still the sender's to fix.
            throw new Problem.Exception(Problem.of(HttpStatus.UNPROCESSABLE_ENTITY, "invalid-event", "Invalid event",
                    "The event could not be checked against its v1 JSON Schema: look for values of the wrong type"));
        }
        return writes.inTransaction(session -> applyIn(session, organisationId, webhookId, event));
    }

    private Applied applyIn(WriteSession session, String organisationId, String webhookId, VcsEvent event) {
        Optional<String> seen = jdbc.query("SELECT referral_id FROM inbound_event WHERE organisation_id = ? AND webhook_id = ?",
                (rs, i) -> rs.getString(1), organisationId, webhookId).stream().findFirst();
        if (seen.isPresent()) {
            Task task = ReferralDispatcher.taskOf(session, seen.get());
            return new Applied(seen.get(), task.getStatus().toCode(), businessStatusOf(task), true);
        }
        String referralId = event.referralId();
        ReferralRoutes.Route route = routes.find(referralId)
                .filter(r -> organisationId.equals(r.serviceId()))
                // another organisation's referral is indistinguishable from one that does not exist
                .orElseThrow(() -> new Problem.Exception(Problem.of(HttpStatus.NOT_FOUND, "unknown-referral",
                        "Unknown referral", "No referral " + referralId + " is routed to your organisation")));
        // the Task row is locked before anything is decided from it: concurrent events for one referral (on this node
        // or another) are applied one after the other, each seeing the state and the events the previous one left
        Task task = (Task) session.readForUpdate("Task", route.taskId()).orElseThrow();
        Optional<String> appliedMeanwhile = jdbc.query("SELECT referral_id FROM inbound_event WHERE organisation_id = ?"
                + " AND webhook_id = ?", (rs, i) -> rs.getString(1), organisationId, webhookId).stream().findFirst();
        if (appliedMeanwhile.isPresent()) {
            Task current = ReferralDispatcher.taskOf(session, appliedMeanwhile.get());
            return new Applied(appliedMeanwhile.get(), current.getStatus().toCode(), businessStatusOf(current), true);
        }
        Timestamp latestApplied = jdbc.queryForObject("SELECT MAX(occurred_at) FROM inbound_event WHERE referral_id = ?",
                Timestamp.class, referralId);
        Instant latest = latestApplied == null ? null : latestApplied.toInstant();
        if (latest != null && event.occurredAt() != null && event.occurredAt().isBefore(latest)) {
            throw new Problem.Exception(Problem.of(HttpStatus.CONFLICT, "stale-event", "Stale event",
                    event.type().wireName() + " happened at " + event.occurredAt() + ", before the latest event applied to this"
                            + " referral (" + latest + "); it cannot overwrite newer state"));
        }
        ReferralStateMachine.Transition transition = stateMachine.check(task, event.type());
        if (!transition.allowed()) {
            throw new Problem.Exception(Problem.of(HttpStatus.CONFLICT, "invalid-transition", "Invalid transition",
                    transition.refusal()));
        }
        Reference referral = new Reference("ServiceRequest/" + referralId);
        TaskChange change = mapper.map(event, task.getFor(), referral);
        for (Observation outcome : change.outcomes()) {
            outcome.addBasedOn(referral.copy());
            outcome.addPerformer(new Reference("Organization/" + organisationId));
            WriteOutcome stored = session.create(outcome);
            task.addOutput(TaskChange.outcomeOutput(new Reference("Observation/" + stored.resource().getIdElement().getIdPart())));
        }
        change.applyTo(task);
        task.setLastModified(java.util.Date.from(session.now()));
        session.update(task, task.getIdElement().getIdPart(), null);
        jdbc.update("INSERT INTO inbound_event (organisation_id, webhook_id, referral_id, event_type, occurred_at, received_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)", organisationId, webhookId, referralId, event.type().wireName(),
                event.occurredAt() == null ? null : Timestamp.from(event.occurredAt()), Timestamp.from(session.now()));
        return new Applied(referralId, task.getStatus().toCode(), businessStatusOf(task), false);
    }

    private static String businessStatusOf(Task task) {
        return BusinessStatus.of(task.getBusinessStatus()).map(BusinessStatus::code).orElse(null);
    }
}
