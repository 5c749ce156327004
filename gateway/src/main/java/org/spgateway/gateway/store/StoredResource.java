package org.spgateway.gateway.store;

import java.time.Instant;

/** One stored version of a resource, as serialised JSON. */
public record StoredResource(String resourceType, String id, long versionId, Instant lastUpdated, String json) {
}
