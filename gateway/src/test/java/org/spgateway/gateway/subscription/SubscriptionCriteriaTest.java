package org.spgateway.gateway.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.store.SearchQuery;

class SubscriptionCriteriaTest {

    @Test
    void readsTaskAloneAsEveryChange() {
        SearchQuery query = SubscriptionCriteria.parse("Task");
        assertThat(query.resourceType()).isEqualTo("Task");
        assertThat(query.criteria()).isEmpty();
    }

    @Test
    void readsParametersAsTheTaskSearchDoesBareIdsTakingTheParametersType() {
        SearchQuery query = SubscriptionCriteria.parse("Task?status=completed,cancelled&requester=gp-1&owner=Organization/svc");
        assertThat(query.criteria()).containsExactly(
                new SearchQuery.Criterion("status", List.of(new SearchQuery.TokenValue(null, "completed"),
                        new SearchQuery.TokenValue(null, "cancelled"))),
                new SearchQuery.Criterion("requester", List.of(new SearchQuery.TokenValue(null, "Practitioner/gp-1"))),
                new SearchQuery.Criterion("owner", List.of(new SearchQuery.TokenValue(null, "Organization/svc"))));
    }

    @Test
    void refusesOtherTypesUnknownParametersModifiersAndEmptyValues() {
        for (String criteria : List.of("", "Observation", "Task?code=fulfill", "Task?status:not=completed",
                "Task?patient.name=x", "Task?status=")) {
            assertThatThrownBy(() -> SubscriptionCriteria.parse(criteria)).as(criteria)
                    .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("criteria");
        }
    }
}
