/**
 * The FHIR R4 endpoint GP systems talk to ({@code /fhir}): a HAPI plain RestfulServer with one resource
 * provider per type, a transaction provider, request limits enforced before parsing, validation of every
 * incoming resource against R4 and the gateway's rules, and OperationOutcome for every error.
 */
package org.spgateway.gateway.fhir;
