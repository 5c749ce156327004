/**
 * FHIR R4 Subscriptions (rest-hook) for GP systems that do not want to poll: a practice's system subscribes with
 * criteria on Task ({@code Task}, {@code Task?status=completed}, {@code Task?requester=Practitioner/123}...), and
 * every new version of one of its own practice's referral Tasks that matches is queued, in the same transaction as the
 * change, on the durable outbox's subscription channel, delivered with the outbox's retries, and the subscription set
 * to {@code error} when delivery finally fails. Polling with {@code _lastUpdated} stays the fallback
 * (docs/gp-integration.md).
 */
package org.spgateway.gateway.subscription;
