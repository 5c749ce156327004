package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.SearchQuery;

/**
 * Search results paged straight from the database: HAPI asks for one page at a time, so a search over a
 * million referrals never loads them all.
 */
final class StoreBundleProvider implements IBundleProvider {

    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final SearchQuery query;
    private final InstantType published = InstantType.now();
    private Integer size;

    StoreBundleProvider(ResourceRepository repository, ResourceCodec codec, SearchQuery query) {
        this.repository = repository;
        this.codec = codec;
        this.query = query;
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        if (toIndex <= fromIndex) {
            return List.of();
        }
        return repository.search(query, fromIndex, toIndex - fromIndex).stream()
                .map(s -> (IBaseResource) codec.decode(s)).toList();
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    @Override
    public Integer size() {
        if (size == null) {
            size = repository.count(query);
        }
        return size;
    }
}
