package org.spgateway.gateway.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A conjunction of search criteria over one resource type. Each criterion matches when any of its values
 * matches (FHIR's comma-separated OR); criteria are ANDed.
 */
public record SearchQuery(String resourceType, List<Criterion> criteria, Instant updatedFrom, boolean fromInclusive,
                          Instant updatedTo, boolean toInclusive) {

    /** One indexed parameter with the values any of which may match; a null system matches any system. */
    public record Criterion(String paramName, List<TokenValue> values) {
    }

    /** A token or reference value as stored in the index. */
    public record TokenValue(String system, String code) {
    }

    public static Builder forType(String resourceType) {
        return new Builder(resourceType);
    }

    /** Collects criteria. */
    public static final class Builder {
        private final String resourceType;
        private final List<Criterion> criteria = new ArrayList<>();
        private Instant from;
        private boolean fromInclusive = true;
        private Instant to;
        private boolean toInclusive = true;

        private Builder(String resourceType) {
            this.resourceType = resourceType;
        }

        public Builder where(String param, List<TokenValue> anyOf) {
            criteria.add(new Criterion(param, List.copyOf(anyOf)));
            return this;
        }

        public Builder updatedFrom(Instant instant, boolean inclusive) {
            this.from = instant;
            this.fromInclusive = inclusive;
            return this;
        }

        public Builder updatedTo(Instant instant, boolean inclusive) {
            this.to = instant;
            this.toInclusive = inclusive;
            return this;
        }

        public SearchQuery build() {
            return new SearchQuery(resourceType, List.copyOf(criteria), from, fromInclusive, to, toInclusive);
        }
    }
}
