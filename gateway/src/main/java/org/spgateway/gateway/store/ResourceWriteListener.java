package org.spgateway.gateway.store;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * Called inside the write transaction after a resource version is stored, so whatever a listener writes
 * (a referral's Task, an outbox row, an audit record) commits or rolls back together with the resource.
 */
public interface ResourceWriteListener {

    /**
     * @param session  the open write session, for further writes in the same transaction
     * @param written  the new version as stored
     * @param previous the version it replaced, empty for a create
     */
    void afterWrite(WriteSession session, Resource written, Optional<Resource> previous);
}
