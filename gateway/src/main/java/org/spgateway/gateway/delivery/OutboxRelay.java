package org.spgateway.gateway.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.spgateway.gateway.observability.RequestIds;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of the delivery routes: claim due messages, turn one into a signed HTTP request, and record what the
 * receiver answered. Kept out of the route lambdas so the route reads as the flow it is.
 */
@Component
public class OutboxRelay {

    static final String MESSAGE = "spgateway.outbox.message";
    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** Lease time kept beyond one attempt's timeouts before a message is sent without renewing its lease. */
    static final Duration RENEWAL_MARGIN = Duration.ofSeconds(5);

    private final OutboxStore store;
    private final TransactionTemplate transactions;
    private final DirectoryProperties directory;
    private final DeliveryProperties properties;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RetryPolicy retries;
    private final Ed25519PrivateKeyParameters signingKey;
    private final String nodeId = "node-" + UUID.randomUUID();

    private final SubscriptionEndpoints subscriptions;

    public OutboxRelay(OutboxStore store, DirectoryProperties directory, DeliveryProperties properties,
                       ApplicationEventPublisher events, MeterRegistry meters, Clock clock,
                       SubscriptionEndpoints subscriptions, TransactionTemplate transactions) {
        this.subscriptions = subscriptions;
        this.store = store;
        this.transactions = transactions;
        this.directory = directory;
        this.properties = properties;
        this.events = events;
        this.meters = meters;
        this.clock = clock;
        this.retries = new RetryPolicy(properties);
        this.signingKey = properties.ed25519PrivateKey().isBlank()
                ? new Ed25519PrivateKeyParameters(new SecureRandom())
                : new Ed25519PrivateKeyParameters(Base64.getDecoder().decode(properties.ed25519PrivateKey()), 0);
        log.info("Webhook v1a signing public key (give it to services that verify Ed25519): {}{}",
                Base64.getEncoder().encodeToString(signingKey.generatePublicKey().getEncoded()),
                properties.ed25519PrivateKey().isBlank() ? " (generated at start-up; set spgateway.delivery.ed25519-private-key to keep it)" : "");
        meters.gauge("spgateway.delivery.backlog", store, OutboxStore::backlog);
        // lease_owner on the messages this node claims is this id followed by /<claim number>, to tell nodes apart
        log.info("Outbox relay node id: {}", nodeId);
    }

    private volatile boolean lastClaimFull;

    private final java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Step 1: lease the due messages for this node. Each claim writes its own owner token (the node id and a claim
     * number), so reading the claimed rows back can never pick up a message of an earlier claim whose lease happened
     * to be renewed to the same millisecond.
     */
    public List<OutboxStore.Stored> claimDue() {
        Instant now = now();
        String owner = nodeId + "/" + claims.incrementAndGet();
        List<OutboxStore.Stored> claimed = store.claim(owner, now, now.plus(properties.lease()), properties.batchSize());
        lastClaimFull = claimed.size() >= properties.batchSize();
        return claimed;
    }

    /** Whether the last claim took a whole batch, so more may be due at once. */
    public boolean lastClaimWasFull() {
        return lastClaimFull;
    }

    // millisecond precision: the lease is matched again by equality, and databases keep at most microseconds
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /**
     * Step 2: make sure the lease outlasts the attempt (the batch was claimed at once, its messages are sent a few at
     * a time), then build the HTTP request for one message (signed webhook, or FHIR push to the GP system). The lease
     * is renewed only when what is left of it is shorter than one attempt (connect plus response timeout) and a
     * margin: a renewal is a commit, and most messages are sent within moments of their claim. A message another
     * node has taken over in the meantime is not sent.
     */
    public void prepare(Exchange exchange) {
        OutboxStore.Stored claimed = exchange.getIn().getBody(OutboxStore.Stored.class);
        Instant now = now();
        Duration attempt = properties.connectTimeout().plus(properties.responseTimeout()).plus(RENEWAL_MARGIN);
        OutboxStore.Stored message = claimed.leaseUntil() != null && claimed.leaseUntil().isAfter(now.plus(attempt))
                ? claimed
                : store.renew(claimed, now.plus(properties.lease())).orElseThrow(() -> new LeaseLostException(claimed));
        exchange.setProperty(MESSAGE, message);
        // the attempt logs under the id of the request that caused the message, and passes it on to the receiver
        String requestId = message.requestId() == null ? message.messageId() : message.requestId();
        MDC.put(RequestIds.MDC_KEY, requestId);
        var in = exchange.getIn();
        in.removeHeaders("*");
        in.setHeader(RequestIds.HEADER, requestId);
        byte[] body = message.payload().getBytes(StandardCharsets.UTF_8);
        if (message.channel() == OutboxMessage.Channel.GP_PUSH) {
            DirectoryProperties.Practice practice = directory.practice(message.destination())
                    .filter(p -> p.gpFhirBase() != null && !p.gpFhirBase().isBlank())
                    .orElseThrow(() -> new UndeliverableException("practice " + message.destination() + " has no gp-fhir-base"));
            in.setHeader(Exchange.HTTP_URI, practice.gpFhirBase().replaceAll("/+$", "") + "/" + message.targetPath());
            in.setHeader(Exchange.HTTP_METHOD, message.httpMethod());
            in.setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
        } else if (message.channel() == OutboxMessage.Channel.FHIR_SUBSCRIPTION) {
            SubscriptionEndpoints.Endpoint endpoint = subscriptions.endpoint(message.destination())
                    .orElseThrow(() -> new UndeliverableException("subscription " + message.destination() + " is off or gone"));
            String path = message.targetPath() == null || message.targetPath().isEmpty() ? "" : "/" + message.targetPath();
            in.setHeader(Exchange.HTTP_URI, (path.isEmpty() ? endpoint.url() : endpoint.url().replaceAll("/+$", "")) + path);
            in.setHeader(Exchange.HTTP_METHOD, message.httpMethod());
            if (body.length > 0) {
                in.setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
            }
            endpoint.headers().forEach(in::setHeader);
        } else {
            DirectoryProperties.Service service = directory.service(message.destination())
                    .filter(DirectoryProperties.Service::push)
                    .orElseThrow(() -> new UndeliverableException("service " + message.destination() + " has no webhook"));
            long timestamp = clock.instant().getEpochSecond();
            String signature = "v1a".equals(service.outboundSignature())
                    ? StandardWebhooks.signV1a(signingKey, message.messageId(), timestamp, body)
                    : StandardWebhooks.signV1(service.signingSecrets().get(0), message.messageId(), timestamp, body);
            in.setHeader(Exchange.HTTP_URI, service.webhookUrl());
            in.setHeader(Exchange.HTTP_METHOD, "POST");
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
            in.setHeader("webhook-id", message.messageId());
            in.setHeader("webhook-timestamp", Long.toString(timestamp));
            in.setHeader("webhook-signature", signature);
        }
        in.setBody(body);
    }

    /** Step 3a: the receiver answered. */
    public void recordResponse(Exchange exchange) {
        try {
            record(exchange);
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private void record(Exchange exchange) {
        OutboxStore.Stored message = exchange.getProperty(MESSAGE, OutboxStore.Stored.class);
        int status = exchange.getIn().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Instant now = clock.instant();
        if (status >= 200 && status < 300) {
            // the outcome and what it changes (the Task says "sent") commit together: a crash cannot keep one
            boolean recorded = Boolean.TRUE.equals(transactions.execute(tx -> {
                if (!store.delivered(message, status, now)) {
                    return false;
                }
                events.publishEvent(new DeliveryEvents.Delivered(message.messageId(), message.referralId(),
                        message.destination(), message.eventType(), message.channel()));
                return true;
            }));
            if (!recorded) {
                leaseLost(message, "delivered (HTTP " + status + ")");
                return;
            }
            log.info("Message {} ({}) delivered to {}: HTTP {}", message.messageId(), message.eventType(),
                    message.destination(), status);
            meters.counter("spgateway.delivery.delivered", "channel", message.channel().code()).increment();
            meters.timer("spgateway.delivery.latency", "channel", message.channel().code())
                    .record(Duration.between(message.createdAt(), now));
        } else if (status == 410) {
            store.disableEndpoint(message.destination(), "HTTP 410 Gone from the receiver", now);
            dead(message, status, "HTTP 410 Gone: the receiver withdrew this endpoint; it is disabled until an operator enables it");
        } else if (status == 429 || status >= 500 || status == 408) {
            retry(message, status, "HTTP " + status, exchange.getIn().getHeader("Retry-After", String.class));
        } else {
            dead(message, status, "HTTP " + status + " refused by the receiver");
        }
    }

    /** Step 3b: no answer (connection refused, timeout, reset) or nothing to send it to. */
    public void recordFailure(Exchange exchange) {
        try {
            recordNoAnswer(exchange);
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private void recordNoAnswer(Exchange exchange) {
        OutboxStore.Stored message = exchange.getProperty(MESSAGE, OutboxStore.Stored.class);
        if (message == null) {
            message = exchange.getIn().getBody(OutboxStore.Stored.class);
        }
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure instanceof LeaseLostException) {
            leaseLost(message, "not sent");
        } else if (failure instanceof UndeliverableException) {
            dead(message, null, failure.getMessage());
        } else {
            retry(message, null, failure == null ? "no answer" : failure.getClass().getSimpleName() + ": " + failure.getMessage(), null);
        }
    }

    private void retry(OutboxStore.Stored message, Integer status, String error, String retryAfter) {
        Optional<Instant> next = retries.next(message.attempts(), clock.instant(), retryAfter);
        if (next.isEmpty()) {
            dead(message, status, error + "; retries exhausted after " + (message.attempts() + 1) + " attempts");
            return;
        }
        if (!store.retryAt(message, next.get(), status, error)) {
            leaseLost(message, "retry after " + error);
            return;
        }
        meters.counter("spgateway.delivery.retried", "channel", message.channel().code()).increment();
    }

    private void dead(OutboxStore.Stored message, Integer status, String error) {
        boolean recorded = Boolean.TRUE.equals(transactions.execute(tx -> {
            if (!store.dead(message, status, error)) {
                return false;
            }
            events.publishEvent(new DeliveryEvents.Failed(message.messageId(), message.referralId(), message.destination(),
                    message.eventType(), message.channel(), error));
            return true;
        }));
        if (!recorded) {
            leaseLost(message, "dead letter after " + error);
            return;
        }
        meters.counter("spgateway.delivery.dead", "channel", message.channel().code()).increment();
        log.warn("Message {} to {} dead-lettered: {}", message.messageId(), message.destination(), error);
    }

    /**
     * This node's lease ran out and another node claimed the message (a receiver slower than the lease, a long pause):
     * the other node's attempt and outcome count, this one's are not recorded. If this node had sent it, the receiver
     * gets it twice under one webhook-id (at-least-once delivery).
     */
    private void leaseLost(OutboxStore.Stored message, String outcome) {
        meters.counter("spgateway.delivery.lease.lost", "channel", message.channel().code()).increment();
        log.warn("Message {} to {}: lease lost to another node, outcome not recorded ({})", message.messageId(),
                message.destination(), outcome);
    }

    /** Another node holds the message now: this node must not send it. */
    static final class LeaseLostException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseLostException(OutboxStore.Stored message) {
            super("lease on " + message.messageId() + " lost", null, false, false);
        }
    }

    /** Nothing to send the message to: a configuration gap, dead-lettered at once so an operator sees it. */
    static final class UndeliverableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UndeliverableException(String message) {
            super(message);
        }
    }
}
