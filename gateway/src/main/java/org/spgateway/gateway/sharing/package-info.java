/**
 * Wires the consent module into the gateway: the sharing policy and the one disclosure gate every outbound
 * payload passes, FHIR Consent mapped onto the engine's model, and the disclosure records written in the same
 * transaction as the outbox row.
 */
package org.spgateway.gateway.sharing;
