/**
 * The engine's own model of a patient's consent: deliberately not FHIR, so the rules are testable without HAPI and
 * the gateway owns the one mapping from FHIR R4 {@code Consent}. A consent has a base decision and flat provisions
 * (permit or deny, optionally limited to an organisation, data classes, a period and a purpose); it can only narrow
 * what the sharing policy allows, except that a permit provision naming a class satisfies an
 * {@code explicit-consent} policy rule.
 */
package org.spgateway.consent.model;
