package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import org.spgateway.gateway.store.SearchQuery;

/** Turns HAPI's parsed search parameters into store criteria. */
final class SearchParams {

    private final SearchQuery.Builder builder;

    private SearchParams(String resourceType) {
        this.builder = SearchQuery.forType(resourceType);
    }

    static SearchParams forType(String resourceType) {
        return new SearchParams(resourceType);
    }

    SearchParams token(String name, TokenOrListParam param) {
        if (param == null || param.getValuesAsQueryTokens().isEmpty()) {
            return this;
        }
        List<SearchQuery.TokenValue> values = new ArrayList<>();
        for (TokenParam token : param.getValuesAsQueryTokens()) {
            if (token.getModifier() != null) {
                throw new InvalidRequestException("Modifier :" + token.getModifier().getValue() + " is not supported on " + name);
            }
            if (token.getValue() == null || token.getValue().isBlank()) {
                throw new InvalidRequestException("Search parameter " + name + " needs a code, as system|code or code");
            }
            values.add(new SearchQuery.TokenValue(token.getSystem(), token.getValue()));
        }
        builder.where(name, values);
        return this;
    }

    /**
     * @param defaultType the resource type assumed when the client gives a bare id (e.g. {@code patient=123})
     */
    SearchParams reference(String name, ReferenceOrListParam param, String defaultType) {
        if (param == null || param.getValuesAsQueryTokens().isEmpty()) {
            return this;
        }
        List<SearchQuery.TokenValue> values = new ArrayList<>();
        for (ReferenceParam ref : param.getValuesAsQueryTokens()) {
            if (ref.getChain() != null) {
                throw new InvalidRequestException("Chained search (" + name + "." + ref.getChain() + ") is not supported");
            }
            String type = ref.getResourceType() != null ? ref.getResourceType() : defaultType;
            values.add(new SearchQuery.TokenValue(null, type + "/" + ref.getIdPart()));
        }
        builder.where(name, values);
        return this;
    }

    SearchParams lastUpdated(DateRangeParam range) {
        if (range == null) {
            return this;
        }
        if (range.getLowerBoundAsInstant() != null) {
            builder.updatedFrom(range.getLowerBoundAsInstant().toInstant(), true);
        }
        if (range.getUpperBoundAsInstant() != null) {
            builder.updatedTo(range.getUpperBoundAsInstant().toInstant(), true);
        }
        return this;
    }

    SearchQuery build() {
        return builder.build();
    }
}
