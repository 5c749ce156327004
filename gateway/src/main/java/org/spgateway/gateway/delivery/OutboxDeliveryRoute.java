package org.spgateway.gateway.delivery;

import java.util.concurrent.ExecutorService;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Outbox to receivers: the relay claims due messages when woken by a commit that enqueued some ({@link DeliverySignal})
 * or at the latest every poll interval, and at once again after a full batch; the messages of a batch are sent
 * {@code parallelism} at a time, each prepared (signed), sent over HTTP and its outcome recorded. Any failure of one
 * message (connection refused, timeout, configuration gap) is recorded against that message alone and never stops the
 * others.
 */
@Component
public class OutboxDeliveryRoute extends RouteBuilder {

    private final OutboxRelay relay;
    private final DeliveryProperties properties;
    private final DeliverySignal signal;

    public OutboxDeliveryRoute(OutboxRelay relay, DeliveryProperties properties, DeliverySignal signal) {
        this.relay = relay;
        this.properties = properties;
        this.signal = signal;
    }

    @Override
    public void configure() {
        ExecutorService senders = getContext().getExecutorServiceManager()
                .newFixedThreadPool(this, "outbox-deliver", properties.parallelism());
        // fixed delay and synchronous: the next run starts 1 ms after this one has finished, sends included (without
        // synchronous=true the timer fires again while a batch is still being sent); each run first waits for work
        // (woken, due, or a full batch last time), so the timer thread is the relay's single claiming loop on this node
        from("timer:outbox-relay?delay=1000&period=1&synchronous=true")
                .routeId("outbox-relay-poll")
                .process(exchange -> {
                    if (!relay.lastClaimWasFull()) {
                        try {
                            signal.await(properties.pollInterval());
                        } catch (InterruptedException stopping) {
                            Thread.currentThread().interrupt();
                            exchange.setRouteStop(true);
                        }
                    }
                })
                .bean(relay, "claimDue")
                .split(body()).parallelProcessing().executorService(senders)
                    .to("direct:outbox-deliver")
                .end();

        from("direct:outbox-deliver")
                .routeId("outbox-relay-deliver")
                .doTry()
                    .process(relay::prepare)
                    .to("http://outbox-receiver?throwExceptionOnFailure=false"
                            + "&connectTimeout=" + properties.connectTimeout().toMillis()
                            + "&responseTimeout=" + properties.responseTimeout().toMillis())
                    .process(relay::recordResponse)
                .doCatch(Exception.class)
                    .process(relay::recordFailure)
                .end();
    }
}
