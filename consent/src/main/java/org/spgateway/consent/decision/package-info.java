/**
 * The consent engine: a pure function from (sharing policy, patient consent, recipient, purpose, data classes
 * present, instant) to a permit or deny per data class, each with the policy rule and consent provision that decided
 * it, so the audit log can say why. No I/O and no clock (time is an argument), so the same call serves a real
 * disclosure and an IG lead's dry run.
 */
package org.spgateway.consent.decision;
