package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spgateway.gateway.fhir.ControlCharacters;
import org.spgateway.gateway.store.SearchQuery;

/**
 * Parses the criteria of a conditional create ({@code If-None-Exist: identifier=system|value}). Only the
 * identifier criterion is accepted: it is the one GP systems use to make a referral post idempotent.
 */
final class ConditionalUrls {

    SearchQuery toQuery(String resourceType, String conditionalUrl) {
        String query = conditionalUrl.contains("?") ? conditionalUrl.substring(conditionalUrl.indexOf('?') + 1) : conditionalUrl;
        Map<String, String[]> params = UrlUtil.parseQueryString(query);
        ControlCharacters.refuse(" of If-None-Exist", params);
        if (params.isEmpty()) {
            throw new InvalidRequestException("If-None-Exist has no criteria; use identifier=system|value");
        }
        SearchQuery.Builder builder = SearchQuery.forType(resourceType);
        for (Map.Entry<String, String[]> e : params.entrySet()) {
            if (!e.getKey().equals("identifier")) {
                throw new InvalidRequestException("If-None-Exist supports only the identifier parameter, not " + e.getKey());
            }
            for (String value : e.getValue()) {
                List<SearchQuery.TokenValue> values = new ArrayList<>();
                for (String alternative : value.split(",")) {
                    TokenParam token = new TokenParam();
                    token.setValueAsQueryToken(null, null, null, alternative);
                    if (token.getValue() == null || token.getValue().isBlank()) {
                        throw new InvalidRequestException("If-None-Exist identifier needs a value: " + alternative);
                    }
                    values.add(new SearchQuery.TokenValue(token.getSystem(), token.getValue()));
                }
                builder.where("identifier", values);
            }
        }
        return builder.build();
    }
}
