/**
 * Delivery from the durable outbox: Camel routes claim due messages (leases, so several nodes can share one
 * database and a dead node's messages are picked up again), keep each referral's messages in order, sign webhooks
 * (Standard Webhooks), push Task changes to GP systems, retry with backoff and jitter, honour Retry-After, disable an
 * endpoint on 410 and dead-letter what cannot be delivered. Pull-mode services read their inbox instead.
 */
package org.spgateway.gateway.delivery;
