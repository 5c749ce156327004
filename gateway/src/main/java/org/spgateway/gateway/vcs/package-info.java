/**
 * The JSON API VCS organisations post progress to ({@code /vcs/v1/events}): authenticated per organisation with the
 * Standard Webhooks signature scheme, idempotent by {@code webhook-id}, confined to the referrals routed to the caller,
 * and applied to the referral's Task (and outcome Observations) in one transaction with the GP push it causes.
 * Errors are RFC 9457 problem+json.
 */
package org.spgateway.gateway.vcs;
