package org.spgateway.gateway.store;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * The writes of one database transaction. Obtained only from {@link ResourceWriteService#inTransaction}; not
 * thread-safe and not to be kept after the transaction ends.
 */
public final class WriteSession {

    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final SearchIndexer indexer;
    private final List<ResourceWriteListener> listeners;
    private final Clock clock;
    private final java.util.LinkedHashMap<String, java.util.function.Consumer<WriteSession>> deferred = new java.util.LinkedHashMap<>();
    /**
     * What this session has stored, as stored (a copy, keyed {@code type/id}): its own later reads of those resources
     * (a referral's dispatch reads back the ServiceRequest, its Patient, Task, Consent, ... written moments before)
     * take a copy instead of reading, opening and parsing the row again. Only this session writes its transaction's
     * resource rows, and nothing deletes them, so the copy is what the row holds until commit.
     */
    private final java.util.Map<String, Resource> stored = new java.util.HashMap<>();

    WriteSession(ResourceRepository repository, ResourceCodec codec, SearchIndexer indexer,
                 List<ResourceWriteListener> listeners, Clock clock) {
        this.repository = repository;
        this.codec = codec;
        this.indexer = indexer;
        this.listeners = listeners;
        this.clock = clock;
    }

    /**
     * Creates a resource with a new server-assigned id. A ServiceRequest whose business identifier is already
     * known is not created again: the existing referral is returned, as GP systems retry on timeouts.
     */
    public WriteOutcome create(Resource resource) {
        return existing(resource, null).orElseGet(() -> createWithId(resource, UUID.randomUUID().toString()));
    }

    /** FHIR conditional create: create if nothing matches, return the one match, refuse on several. */
    public WriteOutcome conditionalCreate(Resource resource, SearchQuery match) {
        return existing(resource, match).orElseGet(() -> createConditional(resource, UUID.randomUUID().toString(), match));
    }

    /**
     * The resource a create would return instead of creating: the single match of the conditional criteria
     * (if given), or the referral already holding the ServiceRequest's business identifier.
     *
     * @param match conditional-create criteria, or null
     */
    public Optional<WriteOutcome> existing(Resource resource, SearchQuery match) {
        if (match != null) {
            List<StoredResource> found = repository.search(match, 0, 2);
            if (found.size() > 1) {
                throw new PreconditionFailedException("If-None-Exist matched more than one " + match.resourceType()
                        + "; the criteria must identify a single resource");
            }
            if (found.size() == 1) {
                return Optional.of(new WriteOutcome(codec.decode(found.get(0)), false));
            }
        }
        return existingReferral(resource);
    }

    /**
     * Creates the first version of a conditional create that matched nothing, claiming its criteria: a concurrent
     * transaction that found no match for the same criteria and created first makes this one roll back and run
     * again (it then finds that resource); a claim left by a resource that no longer matches moves to this one.
     */
    public WriteOutcome createConditional(Resource resource, String id, SearchQuery match) {
        String token = repository.criteriaToken(match);
        Optional<String> claimed = repository.conditionalClaim(match.resourceType(), token);
        if (claimed.isEmpty()) {
            repository.claimConditional(match.resourceType(), token, id);
        } else if (!claimed.get().equals(id)) {
            // Claimed by a transaction that committed after this one searched (its resource is visible now: run
            // again, and find it), or by a resource that no longer matches the criteria (move the claim here).
            if (!repository.search(match, 0, 1).isEmpty()
                    || !repository.moveConditionalClaim(match.resourceType(), token, claimed.get(), id)) {
                throw new org.springframework.dao.DuplicateKeyException(match.resourceType() + " conditional create claimed concurrently");
            }
        }
        return createWithId(resource, id);
    }

    /** Creates the first version under an id chosen by the caller (a transaction that pre-assigns ids). */
    public WriteOutcome createWithId(Resource resource, String id) {
        return store(resource, id, 1, Optional.empty(), true);
    }

    /**
     * Stores a new version under the given id, or the first version if the id is new (update as create).
     *
     * @param expectedVersion the version the client last saw (If-Match), or null to skip the check
     */
    public WriteOutcome update(Resource resource, String id, Long expectedVersion) {
        String type = resource.fhirType();
        Optional<Long> current = repository.lockCurrentVersion(type, id);
        if (current.isEmpty()) {
            if (expectedVersion != null) {
                throw new ResourceNotFoundException(new IdType(type, id));
            }
            return store(resource, id, 1, Optional.empty(), false);
        }
        if (expectedVersion != null && expectedVersion.longValue() != current.get()) {
            throw new PreconditionFailedException("Version conflict: " + type + "/" + id + " is at version "
                    + current.get() + ", If-Match named version " + expectedVersion);
        }
        if (!repository.visible(type, id)) {
            // another practice's resource: as far as this caller knows, it does not exist
            throw new ResourceNotFoundException(new IdType(type, id));
        }
        Resource previous = mine(type, id, current.get())
                .orElseGet(() -> codec.decode(repository.current(type, id).orElseThrow()));
        return store(resource, id, current.get() + 1, Optional.of(previous), false);
    }

    public Optional<Resource> read(String type, String id) {
        Resource mine = stored.get(type + "/" + id);
        return mine != null ? Optional.of(mine.copy()) : repository.current(type, id).map(codec::decode);
    }

    /**
     * Reads the current version and locks it until the transaction ends, for a change decided from what is read:
     * a concurrent writer of the same resource waits, then sees this transaction's result.
     */
    public Optional<Resource> readForUpdate(String type, String id) {
        return repository.lockCurrentVersion(type, id).flatMap(version -> read(type, id));
    }

    public List<Resource> search(SearchQuery query, int limit) {
        return repository.search(query, 0, limit).stream().map(this::decode).toList();
    }

    /** A row as a resource: this session's copy when it stored that version, else the row parsed. */
    private Resource decode(StoredResource row) {
        return mine(row.resourceType(), row.id(), row.versionId()).orElseGet(() -> codec.decode(row));
    }

    /** This session's copy of the resource, if what it stored is the given version. */
    private Optional<Resource> mine(String type, String id, long version) {
        Resource mine = stored.get(type + "/" + id);
        return mine != null && Long.toString(version).equals(mine.getMeta().getVersionId())
                ? Optional.of(mine.copy()) : Optional.empty();
    }

    /** Remembers the response of a transaction that created the given referral, for replays. */
    public void recordTransaction(String serviceRequestId, org.hl7.fhir.r4.model.Bundle response) {
        repository.recordTransaction(serviceRequestId, codec.fhirContext().newJsonParser().encodeResourceToString(response), now());
    }

    /** The response recorded for the transaction that created the referral, if it came in a transaction. */
    public Optional<org.hl7.fhir.r4.model.Bundle> recordedTransaction(String serviceRequestId) {
        return repository.recordedTransaction(serviceRequestId).map(json ->
                codec.fhirContext().newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, json));
    }

    /**
     * Runs the action once at the end of this transaction's work, before commit, after every resource of the
     * request is stored (a transaction Bundle's entries may come in any order). Actions with the same key run
     * once; actions may write, and may defer further actions.
     */
    public void deferUntilEnd(String key, java.util.function.Consumer<WriteSession> action) {
        deferred.putIfAbsent(key, action);
    }

    void runDeferred() {
        while (!deferred.isEmpty()) {
            String key = deferred.keySet().iterator().next();
            deferred.remove(key).accept(this);
        }
    }

    public Instant now() {
        return ResourceRepository.truncate(clock.instant());
    }

    /** @param serverAssignedId true for creates, whose id the client did not choose */
    private WriteOutcome store(Resource resource, String id, long version, Optional<Resource> previous,
                               boolean serverAssignedId) {
        String type = resource.fhirType();
        Instant now = now();
        resource.setIdElement(new IdType(type, id, Long.toString(version)));
        resource.getMeta().setVersionId(Long.toString(version));
        resource.getMeta().setLastUpdatedElement(new InstantType(java.util.Date.from(now)));
        StoredResource row = new StoredResource(type, id, version, now, codec.encode(resource));
        if (version == 1) {
            repository.insertCurrent(row);
        } else {
            repository.replaceCurrent(row);
        }
        stored.put(type + "/" + id, resource.copy());
        List<SearchIndexer.IndexRow> rows = new java.util.ArrayList<>(indexer.index(resource));
        String owner = previous.isPresent() || version > 1 ? repository.ownerOf(type, id).orElse(null)
                : CallerScope.practice().orElseGet(() -> inheritedOwner(resource));
        if (owner != null) {
            rows.add(new SearchIndexer.IndexRow(ResourceRepository.OWNER, null, owner));
        }
        repository.replaceIndex(type, id, rows, version == 1);
        claimBusinessIdentifiers(resource, id, serverAssignedId);
        for (ResourceWriteListener listener : listeners) {
            listener.afterWrite(this, resource, previous);
        }
        return new WriteOutcome(resource, version == 1);
    }

    /** What the gateway creates about a referral (its Task, outcome Observations) belongs to the referral's practice. */
    private String inheritedOwner(Resource resource) {
        org.hl7.fhir.r4.model.Reference about = resource instanceof org.hl7.fhir.r4.model.Task task ? task.getFocus()
                : resource instanceof org.hl7.fhir.r4.model.Observation obs && obs.hasBasedOn() ? obs.getBasedOnFirstRep()
                : null;
        if (about == null || !"ServiceRequest".equals(about.getReferenceElement().getResourceType())) {
            return null;
        }
        return repository.ownerOf("ServiceRequest", about.getReferenceElement().getIdPart()).orElse(null);
    }

    private Optional<WriteOutcome> existingReferral(Resource resource) {
        if (!(resource instanceof ServiceRequest sr)) {
            return Optional.empty();
        }
        for (Identifier identifier : sr.getIdentifier()) {
            if (identifier.hasSystem() && identifier.hasValue()) {
                Optional<String> id = repository.findByBusinessIdentifier(
                        "ServiceRequest", identifier.getSystem(), identifier.getValue());
                if (id.isPresent() && !repository.visible("ServiceRequest", id.get())) {
                    // another practice's referral: refuse without saying whose
                    throw new ResourceVersionConflictException("ServiceRequest.identifier " + identifier.getSystem() + "|"
                            + identifier.getValue() + " is already used by another practice's referral");
                }
                if (id.isPresent()) {
                    return repository.current("ServiceRequest", id.get())
                            .map(s -> new WriteOutcome(codec.decode(s), false));
                }
            }
        }
        return Optional.empty();
    }

    private void claimBusinessIdentifiers(Resource resource, String id, boolean serverAssignedId) {
        if (!(resource instanceof ServiceRequest sr)) {
            return;
        }
        for (Identifier identifier : sr.getIdentifier()) {
            if (!identifier.hasSystem() || !identifier.hasValue()) {
                continue;
            }
            Optional<String> owner = repository.findByBusinessIdentifier(
                    "ServiceRequest", identifier.getSystem(), identifier.getValue());
            if (owner.isEmpty()) {
                // A concurrent create of the same referral makes this insert fail with a duplicate key; the
                // service retries the whole transaction, which then finds the referral already there.
                repository.claimBusinessIdentifier("ServiceRequest", identifier.getSystem(), identifier.getValue(), id);
            } else if (!owner.get().equals(id) && serverAssignedId) {
                // a concurrent create of the same referral committed first: roll back and retry, which returns it
                throw new org.springframework.dao.DuplicateKeyException("ServiceRequest.identifier claimed concurrently");
            } else if (!owner.get().equals(id)) {
                throw new ResourceVersionConflictException("ServiceRequest.identifier " + identifier.getSystem() + "|"
                        + identifier.getValue() + " already identifies ServiceRequest/" + owner.get());
            }
        }
    }
}
