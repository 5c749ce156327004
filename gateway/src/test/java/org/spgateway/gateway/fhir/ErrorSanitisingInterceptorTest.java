package org.spgateway.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;

/** What leaves the FHIR endpoint when something fails: never the failure's own message. */
class ErrorSanitisingInterceptorTest {

    private final ErrorSanitisingInterceptor interceptor = new ErrorSanitisingInterceptor();

    /** As HAPI wraps whatever a provider throws. */
    private static InternalErrorException wrapped(Throwable cause) {
        return new InternalErrorException("HAPI-0389: Failed to call access method: " + cause, cause);
    }

    @Test
    void aWrappedConstraintViolationIsA500WithAnIncidentIdAndNoSql() {
        BaseServerResponseException answer = interceptor.sanitise(null, wrapped(new DataIntegrityViolationException(
                "PreparedStatementCallback; SQL [INSERT INTO fhir_search_index ...]; Value too long")));
        assertThat(answer.getStatusCode()).isEqualTo(500);
        assertThat(answer.getMessage()).startsWith("Internal error (incident").doesNotContain("SQL").doesNotContain("HAPI-0389");
    }

    @Test
    void wrappedStoreFailuresKeepTheirMeaning() {
        assertThat(interceptor.sanitise(null, wrapped(new DuplicateKeyException("dup"))))
                .isInstanceOf(ResourceVersionConflictException.class);
        assertThat(interceptor.sanitise(null, wrapped(new QueryTimeoutException("slow"))).getStatusCode()).isEqualTo(503);
    }

    @Test
    void aWrappedErrorFromAnInterceptorIsA500WithoutItsMessage() {
        BaseServerResponseException answer = interceptor.sanitise(null, new InternalErrorException(
                "HAPI-1910: Failure invoking interceptor", new Error("Attempt to read a single element (url)")));
        assertThat(answer.getStatusCode()).isEqualTo(500);
        assertThat(answer.getMessage()).doesNotContain("Attempt").doesNotContain("HAPI-1910");
    }

    @Test
    void answersTheGatewayChoseAreLeftAlone() {
        UnprocessableEntityException invalid = new UnprocessableEntityException("bad");
        assertThat(interceptor.sanitise(null, invalid)).isSameAs(invalid);
        InternalErrorException own = new InternalErrorException("Internal error (incident x)");
        assertThat(interceptor.sanitise(null, own)).isSameAs(own);
    }
}
