/**
 * Consent and minimisation for spgateway: which data classes a voluntary/community-sector recipient may receive
 * about a patient, under the configurable sharing policy ({@link org.spgateway.consent.policy}) and the patient's
 * own consent ({@link org.spgateway.consent.model}), decided by a pure engine ({@link org.spgateway.consent.decision})
 * and enforced on every outbound payload by the one seam {@link org.spgateway.consent.disclosure.DisclosureGate}.
 * Plain Java on purpose (no Spring, no Camel, no I/O beyond reading a policy file, no clock): the gateway wires it,
 * and a dry run ("what would organisation X receive?") is just a call with no side effects.
 */
package org.spgateway.consent;
