package org.spgateway.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.jdbc.core.JdbcTemplate;

/** What every refusal of hostile input must look like, and what it must leave behind: nothing. */
public final class HostileTraffic {

    /** The demo link-worker service and its secret (application.yml), to sign VCS requests with. */
    public static final String ORG = "vcs-leeds-link-workers";
    public static final String SECRET = "whsec_ZGVtby1saW5rLXdvcmtlcnMtc2VjcmV0LTEyMzQ1Ng==";

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A Java stack frame, a chained cause or a JDK/framework class name: internals a client must never see. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\bat [\\w.$]+\\([\\w$]+\\.java:\\d+\\)|Caused by:|java\\.lang\\.|org\\.springframework\\.|\\tat ");

    private HostileTraffic() {
    }

    /** Rows in the tables a request can add to. */
    public record StoreCounts(int resources, int versions, int inboundEvents, int outbox) {
        public static StoreCounts of(JdbcTemplate jdbc) {
            return jdbc.queryForObject("SELECT (SELECT COUNT(*) FROM fhir_resource), (SELECT COUNT(*) FROM fhir_resource_version),"
                            + " (SELECT COUNT(*) FROM inbound_event), (SELECT COUNT(*) FROM outbox_message)",
                    (rs, i) -> new StoreCounts(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
        }
    }

    /** A 4xx OperationOutcome with an error issue and no internals; returns it. */
    public static OperationOutcome assertFhirRefusal(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status of %s", response.body()).isBetween(400, 499);
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertThat(type).as("content type").containsAnyOf("application/fhir+json", "application/fhir+xml", "application/json",
                "application/xml", "text/xml");
        IBaseResource parsed = (type.contains("xml") ? CTX.newXmlParser() : CTX.newJsonParser()).parseResource(response.body());
        assertThat(parsed).isInstanceOf(OperationOutcome.class);
        OperationOutcome outcome = (OperationOutcome) parsed;
        assertThat(outcome.getIssue()).isNotEmpty();
        assertThat(outcome.getIssue()).anyMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL);
        assertNoInternals(response);
        return outcome;
    }

    /** A 4xx RFC 9457 problem whose status matches the answer's, with no internals; returns it. */
    public static JsonNode assertProblemRefusal(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as("status of %s", response.body()).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(problem.path("type").asText()).isNotBlank();
        assertThat(problem.path("title").asText()).isNotBlank();
        assertNoInternals(response);
        return problem;
    }

    public static void assertNoInternals(HttpResponse<String> response) {
        assertThat(INTERNALS.matcher(response.body()).find()).as("internals in %s", response.body()).isFalse();
    }
}
