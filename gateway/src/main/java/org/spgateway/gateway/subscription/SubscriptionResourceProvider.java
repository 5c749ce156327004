package org.spgateway.gateway.subscription;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.spgateway.gateway.fhir.provider.WritableResourceProvider;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.SearchQuery;
import org.springframework.stereotype.Component;

/**
 * GP systems' FHIR R4 Subscriptions (rest-hook only). On create or update the criteria and channel are checked (422
 * naming the problem) and the subscription becomes {@code active}, unless the client sets {@code off} (how a
 * subscription is cancelled). Each belongs to the practice whose system created it and only ever notifies about that
 * practice's referrals ({@link SubscriptionNotifier}).
 */
@Component
public class SubscriptionResourceProvider extends WritableResourceProvider<Subscription> {

    /** Headers a subscription may not set: they belong to the HTTP exchange itself. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "content-type",
            "transfer-encoding", "connection");

    public SubscriptionResourceProvider(ResourceRepository repository, ResourceCodec codec, ResourceWriteService writes) {
        super(Subscription.class, repository, codec, writes);
    }

    @Override
    @Create
    public MethodOutcome create(@ResourceParam Subscription resource, @ConditionalUrlParam String conditionalUrl,
                                RequestDetails request) {
        return super.create(checked(resource), conditionalUrl, request);
    }

    @Override
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Subscription resource) {
        return super.update(id, checked(resource));
    }

    /** The calling practice's subscriptions. */
    @Search
    public IBundleProvider all() {
        return search(SearchQuery.forType("Subscription").build());
    }

    private static Subscription checked(Subscription subscription) {
        SubscriptionCriteria.parse(subscription.getCriteria());
        Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            throw new UnprocessableEntityException("Subscription.channel.type must be rest-hook (got "
                    + (channel.getType() == null ? "none" : channel.getType().toCode()) + ")");
        }
        String endpoint = channel.getEndpoint();
        URI uri;
        try {
            uri = endpoint == null ? null : URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new UnprocessableEntityException("Subscription.channel.endpoint must be an absolute http(s) URL");
        }
        if (channel.hasPayload() && !channel.getPayload().startsWith("application/fhir+json")) {
            throw new UnprocessableEntityException("Subscription.channel.payload must be application/fhir+json, or absent"
                    + " for a notification without a body (then read or search the Task)");
        }
        for (var header : channel.getHeader()) {
            String value = header.getValue();
            int colon = value == null ? -1 : value.indexOf(':');
            if (colon <= 0 || RESERVED_HEADERS.contains(value.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT))) {
                throw new UnprocessableEntityException("Subscription.channel.header must be 'Name: value' and may not set "
                        + String.join(", ", RESERVED_HEADERS) + " (got '" + value + "')");
            }
        }
        if (subscription.getStatus() != Subscription.SubscriptionStatus.OFF) {
            // the gateway is ready to deliver as soon as the subscription is stored (R4: the server sets active)
            subscription.setStatus(Subscription.SubscriptionStatus.ACTIVE);
            subscription.setError(null);
        }
        return subscription;
    }
}
