package org.spgateway.gateway.subscription;

import ca.uhn.fhir.context.FhirContext;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.delivery.Outbox;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.StoredResource;
import org.spgateway.gateway.store.WriteSession;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Queues a notification for every active Subscription a new Task version matches, in the transaction of the change,
 * so a notification is sent if and only if the change commits. A subscription matches only Tasks of its own practice
 * (the practice that owns the subscription owns the referral), whoever made the change (the GP system, a VCS event, the
 * gateway). With a payload the Task is PUT to {@code endpoint/Task/id}; without one the endpoint gets an empty POST
 * (R4 rest-hook). Each referral's notifications leave in order.
 */
@Component
@Order(40)
public class SubscriptionNotifier implements ResourceWriteListener {

    /** Most subscriptions looked at per change; more is a configuration problem, not a use case. */
    static final int MAX_SUBSCRIPTIONS = 1000;

    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final Outbox outbox;
    private final FhirContext fhirContext;

    public SubscriptionNotifier(ResourceRepository repository, ResourceCodec codec, Outbox outbox, FhirContext fhirContext) {
        this.repository = repository;
        this.codec = codec;
        this.outbox = outbox;
        this.fhirContext = fhirContext;
    }

    @Override
    public void afterWrite(WriteSession session, Resource written, Optional<Resource> previous) {
        if (!(written instanceof Task task)) {
            return;
        }
        String taskId = task.getIdElement().getIdPart();
        Optional<String> practice = repository.ownerOf("Task", taskId);
        if (practice.isEmpty()) {
            return; // not a practice's referral: nobody may be told about it
        }
        String referralId = task.getFocus().getReferenceElement().getIdPart();
        for (StoredResource stored : repository.search(SearchQuery.forType("Subscription").build(), 0, MAX_SUBSCRIPTIONS)) {
            if (!practice.equals(repository.ownerOf("Subscription", stored.id()))) {
                continue;
            }
            Subscription subscription = codec.decode(stored, Subscription.class);
            if (subscription.getStatus() != Subscription.SubscriptionStatus.ACTIVE
                    && subscription.getStatus() != Subscription.SubscriptionStatus.ERROR) {
                continue;
            }
            if (!repository.matches(SubscriptionCriteria.parse(subscription.getCriteria()), taskId)) {
                continue;
            }
            boolean payload = subscription.getChannel().hasPayload();
            outbox.enqueue(new OutboxMessage("sub_" + UUID.randomUUID().toString().replace("-", ""),
                    OutboxMessage.Channel.FHIR_SUBSCRIPTION, stored.id(), referralId == null ? taskId : referralId,
                    "task.updated", payload ? "PUT" : "POST", payload ? "Task/" + taskId : "",
                    payload ? fhirContext.newJsonParser().encodeResourceToString(task) : ""));
        }
    }
}
