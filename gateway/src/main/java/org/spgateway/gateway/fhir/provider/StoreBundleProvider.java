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
 * million referrals never loads them all. {@code Bundle.total} is counted only as far as a cap
 * ({@code spgateway.fhir.search-total-cap}, 200: the largest page) unless the client asks for it
 * ({@code _total=accurate}, or {@code _summary=count}): an exact count reads every match, seconds at 100,000 stored
 * Tasks, for a number most callers never look at. Beyond the cap the total is left out (FHIR makes it optional for a
 * searchset) and the page links {@code next}. The same bounded count tells a query that matches few (the page is then
 * found from the value index) from one that matches many (read in result order until the page is full).
 */
final class StoreBundleProvider implements IBundleProvider {

    /** How the total is found: {@code _total=none}, the default (counted up to the cap), {@code _total=accurate}. */
    enum Total { NONE, UP_TO_CAP, ACCURATE }

    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final SearchQuery query;
    private final Total total;
    /** Up to this many matches the total is exact and given; beyond it, given only when asked for. */
    private final int cap;
    private final InstantType published = InstantType.now();
    private Integer exact;
    private Integer upToCap;

    StoreBundleProvider(ResourceRepository repository, ResourceCodec codec, SearchQuery query, Total total, int cap) {
        this.repository = repository;
        this.codec = codec;
        this.query = query;
        this.total = total;
        this.cap = cap;
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
        boolean few = exact != null ? exact <= cap : upToCap() <= cap;
        return repository.search(query, fromIndex, toIndex - fromIndex, few).stream()
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
        switch (total) {
            case NONE:
                return null;
            case ACCURATE:
                if (exact == null) {
                    exact = repository.count(query);
                }
                return exact;
            default:
                int n = upToCap();
                return n <= cap ? n : null;
        }
    }

    private int upToCap() {
        if (upToCap == null) {
            upToCap = repository.countUpTo(query, cap);
        }
        return upToCap;
    }
}
