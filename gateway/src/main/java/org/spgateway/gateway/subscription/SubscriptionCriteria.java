package org.spgateway.gateway.subscription;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spgateway.gateway.store.SearchQuery;

/**
 * A Subscription's {@code criteria}, read as a Task search: {@code Task} alone (every change to one of the practice's
 * referral Tasks) or {@code Task?} with the parameters below, each {@code name=value[,value]} (values ORed, parameters
 * ANDed), as the Task search answers them. Anything else is refused when the subscription is created, so a
 * subscription can never silently match nothing.
 */
public final class SubscriptionCriteria {

    /** Supported parameters and, for references, the type a bare id means. */
    static final Map<String, String> PARAMETERS = Map.of(
            "status", "", "owner", "Organization", "focus", "ServiceRequest", "patient", "Patient",
            "requester", "Practitioner");

    private SubscriptionCriteria() {
    }

    /** The criteria as a store query, or a 422 explaining what is not supported. */
    public static SearchQuery parse(String criteria) {
        if (criteria == null || criteria.isBlank()) {
            throw refused("Subscription.criteria is required, e.g. Task?status=completed");
        }
        String trimmed = criteria.trim();
        String type = trimmed.contains("?") ? trimmed.substring(0, trimmed.indexOf('?')) : trimmed;
        if (!type.equals("Task")) {
            throw refused("Subscription.criteria must be a Task search (Task or Task?...): notifications are about referral"
                    + " Tasks; got " + type);
        }
        SearchQuery.Builder query = SearchQuery.forType("Task");
        String params = trimmed.contains("?") ? trimmed.substring(trimmed.indexOf('?') + 1) : "";
        for (String pair : params.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.contains(":") || name.contains(".")) {
                throw refused("Subscription.criteria: modifiers and chains are not supported (" + name + ")");
            }
            if (!PARAMETERS.containsKey(name)) {
                throw refused("Subscription.criteria: Task search parameter '" + name + "' is not supported here; use "
                        + String.join(", ", new java.util.TreeSet<>(PARAMETERS.keySet())));
            }
            if (value.isBlank()) {
                throw refused("Subscription.criteria: " + name + " needs a value");
            }
            List<SearchQuery.TokenValue> values = new ArrayList<>();
            for (String v : value.split(",")) {
                String defaultType = PARAMETERS.get(name);
                if (defaultType.isEmpty()) {
                    int bar = v.indexOf('|');
                    values.add(bar < 0 ? new SearchQuery.TokenValue(null, v) : new SearchQuery.TokenValue(v.substring(0, bar), v.substring(bar + 1)));
                } else {
                    values.add(new SearchQuery.TokenValue(null, v.contains("/") ? v : defaultType + "/" + v));
                }
            }
            query.where(name, values);
        }
        return query.build();
    }

    private static UnprocessableEntityException refused(String message) {
        return new UnprocessableEntityException(message);
    }
}
