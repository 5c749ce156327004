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
    private int totalCap = 200;

    protected StoredResourceProvider(Class<T> type, ResourceRepository repository, ResourceCodec codec) {
        this.type = type;
        this.repository = repository;
        this.codec = codec;
        this.typeName = codec.fhirContext().getResourceType(type);
    }

    /** How far a search counts its matches for Bundle.total ({@code spgateway.fhir.search-total-cap}). */
    @org.springframework.beans.factory.annotation.Autowired
    void setFhirProperties(org.spgateway.gateway.config.FhirProperties properties) {
        this.totalCap = properties.searchTotalCap();
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
        return new StoreBundleProvider(repository, codec, query, totalMode(), totalCap);
    }

    /**
     * {@code _total} (none, estimate, accurate) and {@code _summary=count} of the request being answered: HAPI passes
     * both through to the bundle provider's {@code size()} without saying which was asked for.
     */
    static StoreBundleProvider.Total totalMode() {
        if (!(org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes attributes)) {
            return StoreBundleProvider.Total.UP_TO_CAP;
        }
        jakarta.servlet.http.HttpServletRequest request = attributes.getRequest();
        String[] summary = request.getParameterValues(ca.uhn.fhir.rest.api.Constants.PARAM_SUMMARY);
        if (summary != null && java.util.Arrays.asList(summary).contains("count")) {
            return StoreBundleProvider.Total.ACCURATE;
        }
        String mode = request.getParameter(ca.uhn.fhir.rest.api.Constants.PARAM_SEARCH_TOTAL_MODE);
        if ("accurate".equals(mode)) {
            return StoreBundleProvider.Total.ACCURATE;
        }
        if ("none".equals(mode)) {
            return StoreBundleProvider.Total.NONE;
        }
        if (mode != null && !"estimate".equals(mode)) {
            throw new InvalidRequestException("_total must be none, estimate or accurate, not " + mode);
        }
        return StoreBundleProvider.Total.UP_TO_CAP;
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
