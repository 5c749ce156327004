package org.spgateway.gateway.subscription;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Subscription;
import org.spgateway.gateway.delivery.DeliveryEvents;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.delivery.SubscriptionEndpoints;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The subscription side of the outbox's subscription channel: where each notification goes (read at every attempt,
 * so an update or {@code off} takes effect at once), and the subscription's status after delivery: {@code error} with
 * the reason when a notification is dead-lettered (retries exhausted, or refused), {@code active} again after the
 * next success. Notifications already queued keep being retried while the subscription is in error.
 */
@Component
public class SubscriptionDelivery implements SubscriptionEndpoints {

    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final ResourceWriteService writes;

    public SubscriptionDelivery(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        this.repository = repository;
        this.codec = codec;
        this.writes = writes;
    }

    @Override
    public Optional<Endpoint> endpoint(String subscriptionId) {
        return repository.current("Subscription", subscriptionId).map(s -> codec.decode(s, Subscription.class))
                .filter(s -> s.getStatus() == Subscription.SubscriptionStatus.ACTIVE
                        || s.getStatus() == Subscription.SubscriptionStatus.ERROR)
                .map(s -> {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (var header : s.getChannel().getHeader()) {
                        int colon = header.getValue().indexOf(':');
                        headers.put(header.getValue().substring(0, colon).trim(), header.getValue().substring(colon + 1).trim());
                    }
                    return new Endpoint(s.getChannel().getEndpoint(), headers);
                });
    }

    @EventListener
    public void failed(DeliveryEvents.Failed event) {
        if (event.channel() == OutboxMessage.Channel.FHIR_SUBSCRIPTION) {
            setStatus(event.destination(), Subscription.SubscriptionStatus.ERROR, "Notification " + event.messageId()
                    + " could not be delivered: " + event.reason());
        }
    }

    @EventListener
    public void delivered(DeliveryEvents.Delivered event) {
        if (event.channel() == OutboxMessage.Channel.FHIR_SUBSCRIPTION) {
            setStatus(event.destination(), Subscription.SubscriptionStatus.ACTIVE, null);
        }
    }

    private void setStatus(String id, Subscription.SubscriptionStatus status, String error) {
        writes.inTransaction(session -> {
            session.read("Subscription", id).map(Subscription.class::cast)
                    .filter(s -> s.getStatus() != Subscription.SubscriptionStatus.OFF && s.getStatus() != status)
                    .ifPresent(s -> {
                        s.setStatus(status);
                        s.setError(error);
                        session.update(s, id, null);
                    });
            return null;
        });
    }
}
