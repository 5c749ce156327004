package org.spgateway.gateway.delivery;

import java.util.Map;
import java.util.Optional;

/**
 * Where a FHIR Subscription's notifications go ({@link OutboxMessage.Channel#FHIR_SUBSCRIPTION}); implemented by the
 * subscription package, asked at each attempt so a subscription switched off stops receiving at once.
 */
public interface SubscriptionEndpoints {

    /** The subscriber's endpoint and the headers its subscription asked for. */
    record Endpoint(String url, Map<String, String> headers) {
    }

    /** The endpoint of an active subscription, or empty when it is off or gone. */
    Optional<Endpoint> endpoint(String subscriptionId);
}
