package org.spgateway.gateway.delivery;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Outbox to receivers: a timer claims due messages, each is prepared (signed), sent over HTTP and its outcome
 * recorded. Any failure of one message (connection refused, timeout, configuration gap) is recorded against that
 * message alone and never stops the others.
 */
@Component
public class OutboxDeliveryRoute extends RouteBuilder {

    private final OutboxRelay relay;
    private final DeliveryProperties properties;

    public OutboxDeliveryRoute(OutboxRelay relay, DeliveryProperties properties) {
        this.relay = relay;
        this.properties = properties;
    }

    @Override
    public void configure() {
        from("timer:outbox-relay?delay=1000&period=" + properties.pollInterval().toMillis())
                .routeId("outbox-relay-poll")
                .bean(relay, "claimDue")
                .split(body())
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
