/**
 * The one seam every outbound payload passes through. {@link org.spgateway.consent.disclosure.DisclosureGate}
 * takes a JSON payload whose fields are classified by JSON Pointer, asks the consent engine what the recipient may
 * receive, and returns a redacted deep copy plus a {@link org.spgateway.consent.disclosure.DisclosureRecord} for the
 * audit log. It fails closed: a field that is neither classified nor a declared envelope field stops the disclosure,
 * so data added to a mapper without a classification can never leave by accident. No side effects: persisting the
 * record and sending the payload are the gateway's job, which makes a dry run the same call without those steps.
 */
package org.spgateway.consent.disclosure;
