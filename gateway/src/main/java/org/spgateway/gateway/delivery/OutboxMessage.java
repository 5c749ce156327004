package org.spgateway.gateway.delivery;

/**
 * A message to deliver, as enqueued by the referral loop.
 *
 * @param messageId   the Standard Webhooks {@code webhook-id}: stable across retries and replays
 * @param channel     how it leaves
 * @param destination the VCS service id, the practice id for a GP push, or the Subscription id
 * @param referralId  the ServiceRequest id; messages of one referral to one destination leave in order
 * @param eventType   e.g. {@code referral.created}, or the FHIR interaction for a GP push
 * @param httpMethod  for GP pushes and subscriptions: PUT or POST; null otherwise
 * @param targetPath  for GP pushes and subscriptions: relative FHIR path (e.g. {@code Task/123}), empty for a
 *                    subscription's ping to its endpoint itself; null otherwise
 * @param payload     the body exactly as it will be sent (and signed)
 */
public record OutboxMessage(String messageId, Channel channel, String destination, String referralId, String eventType,
                            String httpMethod, String targetPath, String payload) {

    /** Delivery channels. */
    public enum Channel {
        /** POST to the VCS service's webhook URL, signed. */
        VCS_WEBHOOK("vcs-webhook"),
        /** Held in the service's pull inbox until it acknowledges. */
        VCS_INBOX("vcs-inbox"),
        /** PUT/POST to the referring practice's GP FHIR endpoint. */
        GP_PUSH("gp-push"),
        /** A FHIR Subscription's rest-hook notification to the subscriber's endpoint (destination: the subscription id). */
        FHIR_SUBSCRIPTION("fhir-subscription");

        private final String code;

        Channel(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Channel fromCode(String code) {
            for (Channel c : values()) {
                if (c.code.equals(code)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("Unknown channel " + code);
        }
    }
}
