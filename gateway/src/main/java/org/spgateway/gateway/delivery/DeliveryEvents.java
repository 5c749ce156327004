package org.spgateway.gateway.delivery;

/** Application events published after a delivery outcome is stored. */
public final class DeliveryEvents {

    private DeliveryEvents() {
    }

    /** The receiver accepted the message (2xx), or a pull-mode service acknowledged it. */
    public record Delivered(String messageId, String referralId, String destination, String eventType,
                            OutboxMessage.Channel channel) {
    }

    /** The message is dead-lettered: a 4xx other than 429, a 410, or retries exhausted. */
    public record Failed(String messageId, String referralId, String destination, String eventType,
                         OutboxMessage.Channel channel, String reason) {
    }
}
