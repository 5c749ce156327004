package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.StoredResource;

/** Read, vread and instance history for a stored resource type. */
public abstract class StoredResourceProvider<T extends Resource> implements IResourceProvider {

    protected final ResourceRepository repository;
    protected final ResourceCodec codec;
    private final Class<T> type;
    private final String typeName;

    protected StoredResourceProvider(Class<T> type, ResourceRepository repository, ResourceCodec codec) {
        this.type = type;
        this.repository = repository;
        this.codec = codec;
        this.typeName = codec.fhirContext().getResourceType(type);
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    @Read(version = true)
    public T read(@IdParam IdType id) {
        if (!repository.visible(typeName, id.getIdPart())) {
            throw new ResourceNotFoundException(id);
        }
        StoredResource stored;
        if (id.hasVersionIdPart()) {
            stored = repository.version(typeName, id.getIdPart(), parseVersion(id.getVersionIdPart()))
                    .orElseThrow(() -> new ResourceNotFoundException(id));
        } else {
            stored = repository.current(typeName, id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
        }
        return codec.decode(stored, type);
    }

    @History
    public IBundleProvider history(@IdParam IdType id) {
        List<StoredResource> versions = repository.history(typeName, id.getIdPart());
        if (versions.isEmpty() || !repository.visible(typeName, id.getIdPart())) {
            throw new ResourceNotFoundException(id);
        }
        List<IBaseResource> resources = versions.stream().map(s -> {
            Resource r = codec.decode(s);
            // a history Bundle says how each version came about (bdl-3: entry.request is required in history)
            ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(r, s.versionId() == 1
                    ? ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum.POST
                    : ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum.PUT);
            return (IBaseResource) r;
        }).toList();
        return new SimpleBundleProvider(resources);
    }

    protected IBundleProvider search(SearchQuery query) {
        return new StoreBundleProvider(repository, codec, query);
    }

    protected String typeName() {
        return typeName;
    }

    private static long parseVersion(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Version id must be a number: " + version);
        }
    }
}
