package org.spgateway.gateway.referral;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Condition;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.decision.ConsentEngine;
import org.spgateway.consent.decision.DecisionRequest;
import org.spgateway.consent.disclosure.DisclosureGate;
import org.spgateway.consent.disclosure.DisclosureRequest;
import org.spgateway.consent.disclosure.FieldClassification;
import org.spgateway.consent.disclosure.GatedPayload;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.gateway.delivery.Outbox;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.routing.ReferralRouter;
import org.spgateway.gateway.routing.ReferralRoutes;
import org.spgateway.gateway.sharing.DisclosureRecords;
import org.spgateway.gateway.sharing.FhirConsentMapper;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.WriteSession;
import org.spgateway.mappings.BusinessStatus;
import org.spgateway.mappings.OutboundVcsEvents;
import org.spgateway.mappings.ReferralContext;
import org.spgateway.mappings.ReferralToVcsMapper;
import org.spgateway.mappings.VcsReferral;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends each accepted referral on its way, inside the transaction that accepted it: routes it to a service, maps it
 * to the VCS JSON, passes it through the consent gate, and writes the outbox row and the disclosure record together
 * with the Task change. No permitting consent: the Task waits {@code on-hold} ("awaiting consent") and a Consent
 * posted later releases it. A revoked referral sends {@code referral.cancelled} to the service that had it.
 */
@Component
@Order(20)
public class ReferralDispatcher implements ResourceWriteListener {

    private final ReferralRouter router;
    private final ReferralRoutes routes;
    private final DirectoryProperties directory;
    private final DisclosureGate gate;
    private final DisclosureRecords disclosures;
    private final Outbox outbox;
    private final ConsentEngine engine;
    private final JdbcTemplate jdbc;
    private final FhirConsentMapper consentMapper = new FhirConsentMapper();
    private final ReferralToVcsMapper mapper = new ReferralToVcsMapper();

    public ReferralDispatcher(ReferralRouter router, ReferralRoutes routes, DirectoryProperties directory, DisclosureGate gate,
                              DisclosureRecords disclosures, Outbox outbox, ConsentEngine engine, JdbcTemplate jdbc) {
        this.router = router;
        this.routes = routes;
        this.directory = directory;
        this.gate = gate;
        this.disclosures = disclosures;
        this.outbox = outbox;
        this.engine = engine;
        this.jdbc = jdbc;
    }

    @Override
    public void afterWrite(WriteSession session, Resource written, Optional<Resource> previous) {
        if (written instanceof ServiceRequest sr) {
            String id = sr.getIdElement().getIdPart();
            if (previous.isEmpty()) {
                session.deferUntilEnd("dispatch:" + id, s -> dispatch(s, id));
            } else if (sr.getStatus() == ServiceRequest.ServiceRequestStatus.REVOKED
                    && ((ServiceRequest) previous.get()).getStatus() != ServiceRequest.ServiceRequestStatus.REVOKED) {
                session.deferUntilEnd("cancel:" + id, s -> cancel(s, id));
            }
        } else if (written instanceof Consent consent && consent.getPatient().hasReference()) {
            String patientId = consent.getPatient().getReferenceElement().getIdPart();
            session.deferUntilEnd("consent:" + patientId, s -> consentChanged(s, patientId));
        }
    }

    /**
     * A referral is about a Patient the gateway holds (sent in the same transaction, or before): routing, consent and
     * what a service is sent all come from it. {@link #dispatch} runs at the end of the request, when the Bundle's
     * Patient is stored, and refuses the whole request (422) when there is none.
     */
    private static UnprocessableEntityException subjectNotStored(ServiceRequest referral) {
        String shown = referral.getSubject().getReference();
        shown = shown == null ? "(none)" : shown.length() > 100 ? shown.substring(0, 100) + "..." : shown;
        String message = "ServiceRequest.subject " + shown + " is not a Patient stored here: send the Patient in the"
                + " same transaction Bundle, or create it first";
        UnprocessableEntityException e = new UnprocessableEntityException(message);
        e.setOperationOutcome(org.spgateway.gateway.fhir.OperationOutcomes.error(
                org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTFOUND, message));
        return e;
    }

    void dispatch(WriteSession s, String referralId) {
        ServiceRequest referral = (ServiceRequest) s.read("ServiceRequest", referralId).orElseThrow();
        Task task = taskOf(s, referralId);
        if (task.getStatus() == Task.TaskStatus.CANCELLED) {
            return;
        }
        org.hl7.fhir.instance.model.api.IIdType subject = referral.getSubject().getReferenceElement();
        if (!"Patient".equals(subject.getResourceType()) || !subject.hasIdPart() || subject.getIdPart().length() > 64) {
            throw subjectNotStored(referral);
        }
        String patientId = subject.getIdPart();
        Patient patient = s.read("Patient", patientId).map(Patient.class::cast).orElseThrow(() -> subjectNotStored(referral));
        Optional<Organization> practiceOrg = practiceOf(s, referral, patient);
        String practiceId = practiceOrg.flatMap(this::directoryPracticeId).orElse(null);
        ReferralRouter.RouteDecision decision = router.route(referral, patient, routes.disabledDestinations());
        if (decision.service().isEmpty()) {
            routes.save(new ReferralRoutes.Route(referralId, task.getIdElement().getIdPart(), null, practiceId, patientId), s.now());
            updateTask(s, task, Task.TaskStatus.ONHOLD, BusinessStatus.NO_MATCHING_SERVICE, decision.reason(), null);
            return;
        }
        DirectoryProperties.Service service = decision.service().get();
        routes.save(new ReferralRoutes.Route(referralId, task.getIdElement().getIdPart(), service.id(), practiceId, patientId), s.now());

        String messageId = newMessageId();
        GatedPayload gated = prepare(s, referral, patient, practiceOrg, service, messageId);
        if (gated.awaitingConsent()) {
            updateTask(s, task, Task.TaskStatus.ONHOLD, BusinessStatus.AWAITING_CONSENT,
                    "awaiting consent: " + describe(gated.decision().consentState()), service.id());
            return;
        }
        outbox.enqueue(new OutboxMessage(messageId, service.push() ? OutboxMessage.Channel.VCS_WEBHOOK
                : OutboxMessage.Channel.VCS_INBOX, service.id(), referralId, "referral.created", null, null,
                gated.payload().toString()));
        disclosures.save(gated.record(), referralId);
        updateTask(s, task, Task.TaskStatus.REQUESTED, null, null, service.id());
    }

    /**
     * Builds what the service would receive for the referral: the full VCS payload, redacted by the consent gate for
     * the service's role and the patient's current consent. Pure with respect to the outside world: nothing is sent
     * or recorded here, which is what makes the IG lead's dry run honest (it runs this same code).
     */
    public GatedPayload prepare(WriteSession s, ServiceRequest referral, Patient patient, Optional<Organization> practiceOrg,
                                DirectoryProperties.Service service, String messageId) {
        String referralId = referral.getIdElement().getIdPart();
        String patientId = patient.getIdElement().getIdPart();
        Optional<Consent> fhirConsent = currentConsent(s, patientId);
        PatientConsent consent = fhirConsent.map(c -> consentMapper.map(c, patientId)).orElse(null);
        Instant now = s.now();
        List<org.hl7.fhir.r4.model.MedicationStatement> medications = s.search(SearchQuery.forType("MedicationStatement")
                        .where("patient", List.of(new SearchQuery.TokenValue(null, "Patient/" + patientId))).build(), 100)
                .stream().map(org.hl7.fhir.r4.model.MedicationStatement.class::cast).toList();
        ReferralContext context = new ReferralContext(referral, patient, fhirConsent.orElse(null), conditions(s, referral),
                medications, practitioner(s, referral).orElse(null), practiceOrg.orElse(null), referralId, messageId,
                service.id(), now);
        VcsReferral vcs = mapper.map(context);
        Map<String, DataClass> classes = new HashMap<>();
        vcs.classification().forEach((pointer, id) -> classes.put(pointer, DataClass.fromId(id).orElseThrow(
                () -> new IllegalStateException("mapping classifies " + pointer + " with unknown data class " + id))));
        RecipientRole role = RecipientRole.fromId(service.role()).orElseThrow();
        return gate.gate(new DisclosureRequest(messageId, new Recipient(service.id(), role), patientId,
                Purpose.SOCIAL_PRESCRIBING_REFERRAL, vcs.payload(), new FieldClassification(classes, new HashSet<>(vcs.envelope())),
                consent, vcs.contactingSubjectProhibited(), now));
    }

    /** {@link #prepare} for a stored referral, as the dry run needs it. */
    public GatedPayload prepare(WriteSession s, String referralId, DirectoryProperties.Service service) {
        return prepare(s, referralId, service, "dry-run");
    }

    /** {@link #prepare} for a stored referral under a given message id (a replay keeps its webhook-id). */
    public GatedPayload prepare(WriteSession s, String referralId, DirectoryProperties.Service service, String messageId) {
        ServiceRequest referral = (ServiceRequest) s.read("ServiceRequest", referralId).orElseThrow();
        String patientId = referral.getSubject().getReferenceElement().getIdPart();
        Patient patient = s.read("Patient", patientId).map(Patient.class::cast).orElseGet(() -> {
            Patient unknown = new Patient();
            unknown.setId(patientId);
            return unknown;
        });
        return prepare(s, referral, patient, practiceOf(s, referral, patient), service, messageId);
    }

    /**
     * A patient's consent changed: referrals held awaiting consent are released if it now permits their service;
     * services that already received data and are no longer permitted get {@code consent.withdrawn}, and whatever
     * was queued for them but not yet delivered is withheld (design.md 2.6).
     */
    private void consentChanged(WriteSession s, String patientId) {
        Optional<Consent> fhirConsent = currentConsent(s, patientId);
        PatientConsent consent = fhirConsent.map(c -> consentMapper.map(c, patientId)).orElse(null);
        for (ReferralRoutes.Route route : routes.forPatient(patientId)) {
            if (route.serviceId() == null) {
                continue;
            }
            Task task = (Task) s.read("Task", route.taskId()).orElseThrow();
            BusinessStatus status = BusinessStatus.of(task.getBusinessStatus()).orElse(null);
            DirectoryProperties.Service service = directory.service(route.serviceId()).orElseThrow();
            boolean permitted = !engine.decide(new DecisionRequest(patientId, consent,
                    new Recipient(service.id(), RecipientRole.fromId(service.role()).orElseThrow()),
                    Purpose.SOCIAL_PRESCRIBING_REFERRAL, java.util.EnumSet.allOf(DataClass.class), false, s.now())).awaitingConsent();
            if (status == BusinessStatus.AWAITING_CONSENT && permitted) {
                dispatch(s, route.referralId());
            } else if (!permitted && status != BusinessStatus.CONSENT_WITHDRAWN && task.getStatus() != Task.TaskStatus.CANCELLED
                    && disclosures.countForReferral(route.referralId()) > 0) {
                withdraw(s, route, service, task);
            }
        }
    }

    private void withdraw(WriteSession s, ReferralRoutes.Route route, DirectoryProperties.Service service, Task task) {
        // nothing more leaves: undelivered messages carrying this patient's data are withheld
        jdbc.update("UPDATE outbox_message SET status = 'withheld', last_error = 'consent withdrawn before delivery'"
                + " WHERE referral_id = ? AND destination = ? AND status = 'pending' AND event_type = 'referral.created'",
                route.referralId(), service.id());
        String messageId = newMessageId();
        sendEnvelopeOnly(s, route, service, messageId, "consent.withdrawn",
                OutboundVcsEvents.consentWithdrawn(messageId, route.referralId(), s.now()));
        updateTask(s, task, Task.TaskStatus.ONHOLD, BusinessStatus.CONSENT_WITHDRAWN,
                "the patient withdrew consent to share with this service", service.id());
    }

    private void cancel(WriteSession s, String referralId) {
        Task task = taskOf(s, referralId);
        updateTask(s, task, Task.TaskStatus.CANCELLED, BusinessStatus.CANCELLED_BY_REFERRER, "cancelled by the referrer",
                task.hasOwner() ? task.getOwner().getReferenceElement().getIdPart() : null);
        Optional<ReferralRoutes.Route> route = routes.find(referralId);
        if (route.isEmpty() || route.get().serviceId() == null) {
            return;
        }
        DirectoryProperties.Service service = directory.service(route.get().serviceId()).orElseThrow();
        if (disclosures.countForReferral(referralId) == 0) {
            return; // the service never heard of this referral (it was held awaiting consent)
        }
        String messageId = newMessageId();
        sendEnvelopeOnly(s, route.get(), service, messageId, "referral.cancelled",
                OutboundVcsEvents.referralCancelled(messageId, referralId, s.now()));
    }

    /** Notices that carry no patient data still pass the one gate every outbound payload passes. */
    private void sendEnvelopeOnly(WriteSession s, ReferralRoutes.Route route, DirectoryProperties.Service service,
                                  String messageId, String eventType, com.fasterxml.jackson.databind.node.ObjectNode payload) {
        HashSet<String> envelope = new HashSet<>();
        payload.fieldNames().forEachRemaining(name -> envelope.add("/" + name));
        GatedPayload gated = gate.gate(new DisclosureRequest(messageId,
                new Recipient(service.id(), RecipientRole.fromId(service.role()).orElseThrow()),
                route.patientId(), Purpose.SOCIAL_PRESCRIBING_REFERRAL, payload, new FieldClassification(Map.of(), envelope),
                null, false, s.now()));
        outbox.enqueue(new OutboxMessage(messageId, service.push() ? OutboxMessage.Channel.VCS_WEBHOOK
                : OutboxMessage.Channel.VCS_INBOX, service.id(), route.referralId(), eventType, null, null,
                gated.payload().toString()));
    }

    /** A Standard Webhooks message id: stable across retries and replays of the message it names. */
    static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The Task that tracks the referral. */
    public static Task taskOf(WriteSession s, String referralId) {
        return s.search(SearchQuery.forType("Task")
                        .where("focus", List.of(new SearchQuery.TokenValue(null, "ServiceRequest/" + referralId))).build(), 1)
                .stream().map(Task.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("referral " + referralId + " has no Task"));
    }

    static void updateTask(WriteSession s, Task task, Task.TaskStatus status, BusinessStatus businessStatus, String reason,
                           String ownerServiceId) {
        task.setStatus(status);
        task.setBusinessStatus(businessStatus == null ? null : businessStatus.toCodeableConcept());
        task.setStatusReason(reason == null ? null : new org.hl7.fhir.r4.model.CodeableConcept().setText(reason));
        if (ownerServiceId != null) {
            task.setOwner(new Reference("Organization/" + ownerServiceId));
        }
        task.setLastModified(java.util.Date.from(s.now()));
        s.update(task, task.getIdElement().getIdPart(), null);
    }

    private Optional<Consent> currentConsent(WriteSession s, String patientId) {
        List<Consent> consents = s.search(SearchQuery.forType("Consent")
                        .where("patient", List.of(new SearchQuery.TokenValue(null, "Patient/" + patientId))).build(), 100)
                .stream().map(Consent.class::cast).toList();
        Comparator<Consent> newest = Comparator.comparing(c -> c.getMeta().getLastUpdated());
        return consents.stream().filter(c -> c.getStatus() == Consent.ConsentState.ACTIVE).max(newest)
                .or(() -> consents.stream().max(newest));
    }

    /** The Conditions the referrer chose to share: those the referral points at (reason or supporting information). */
    private static List<Condition> conditions(WriteSession s, ServiceRequest referral) {
        List<Condition> conditions = new ArrayList<>();
        List<Reference> pointers = new ArrayList<>(referral.getReasonReference());
        pointers.addAll(referral.getSupportingInfo());
        for (Reference reason : pointers) {
            var id = reason.getReferenceElement();
            if ("Condition".equals(id.getResourceType())) {
                s.read("Condition", id.getIdPart()).map(Condition.class::cast).ifPresent(conditions::add);
            }
        }
        return conditions;
    }

    private static Optional<Practitioner> practitioner(WriteSession s, ServiceRequest referral) {
        var id = referral.getRequester().getReferenceElement();
        return "Practitioner".equals(id.getResourceType())
                ? s.read("Practitioner", id.getIdPart()).map(Practitioner.class::cast) : Optional.empty();
    }

    /** The referring practice: the requester if it is an Organization, else the patient's registered GP practice. */
    private static Optional<Organization> practiceOf(WriteSession s, ServiceRequest referral, Patient patient) {
        List<Reference> candidates = new ArrayList<>();
        candidates.add(referral.getRequester());
        candidates.addAll(patient.getGeneralPractitioner());
        candidates.add(patient.getManagingOrganization());
        for (Reference ref : candidates) {
            var id = ref.getReferenceElement();
            if ("Organization".equals(id.getResourceType())) {
                Optional<Organization> org = s.read("Organization", id.getIdPart()).map(Organization.class::cast);
                if (org.isPresent()) {
                    return org;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> directoryPracticeId(Organization org) {
        for (DirectoryProperties.Practice practice : directory.practices()) {
            if (practice.id().equals(org.getIdElement().getIdPart())) {
                return Optional.of(practice.id());
            }
            for (Identifier identifier : org.getIdentifier()) {
                if (practice.odsCode().equals(identifier.getValue())) {
                    return Optional.of(practice.id());
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(org.spgateway.consent.decision.ConsentState state) {
        return switch (state) {
            case NO_CONSENT -> "no consent recorded for this patient";
            case CONSENT_NOT_ACTIVE -> "the patient's consent is not active";
            case CONSENT_DENIES_RECIPIENT -> "the patient's consent does not permit sharing with this service";
            default -> "no consent permitting disclosure";
        };
    }
}
