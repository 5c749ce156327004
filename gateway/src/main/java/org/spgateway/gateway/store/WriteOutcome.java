package org.spgateway.gateway.store;

import org.hl7.fhir.r4.model.Resource;

/**
 * The result of one write: the resource as stored (id, versionId and lastUpdated set) and whether it was
 * created by this write ({@code false} when a conditional or identifier-matched create found it already).
 */
public record WriteOutcome(Resource resource, boolean created) {
}
