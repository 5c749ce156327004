/**
 * Hostile input made harmless before it costs anything: a streaming pre-scan of every JSON and XML body on
 * {@code /fhir} and {@code /vcs} (nesting depth, string, number and name lengths, Bundle entry count, no DTDs) that
 * runs before HAPI, the validator or Jackson databind see the body, and a per-client rate limit. Rejections are
 * answered from here in the caller's dialect: an OperationOutcome on {@code /fhir}, RFC 9457 problem+json elsewhere.
 * See docs/security.md.
 */
package org.spgateway.gateway.limits;
