package org.spgateway.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Makes sure no exception leaves the FHIR endpoint with internals in it: unexpected failures become an
 * OperationOutcome with an incident id (logged here with the cause, never with patient data), an unavailable
 * database becomes 503 so clients retry.
 */
@Interceptor
public class ErrorSanitisingInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ErrorSanitisingInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException sanitise(RequestDetails request, Throwable failure) {
        return xmlSafe(answer(failure));
    }

    /**
     * The refusal with any character XML cannot carry (U+FFFE, U+FFFF, an unpaired surrogate, a C0 control but tab, CR
     * and LF) in its message or OperationOutcome replaced by U+FFFD: a refusal may quote the request (a parameter value
     * it rejects), and an XML client must be able to read it (HostileInputFuzzIT: {@code _total=%EF%BF%BF} with
     * {@code Accept: application/xml} got a 400 whose body was not XML).
     */
    static BaseServerResponseException xmlSafe(BaseServerResponseException refusal) {
        if (refusal.getOperationOutcome() instanceof org.hl7.fhir.r4.model.OperationOutcome outcome) {
            for (org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
                String diagnostics = issue.getDiagnostics();
                if (diagnostics != null && xmlSafe(diagnostics) != diagnostics) {
                    issue.setDiagnostics(xmlSafe(diagnostics));
                }
            }
        }
        String message = refusal.getMessage();
        String safeMessage = message == null ? null : xmlSafe(message);
        if (safeMessage == message) {
            return refusal;
        }
        BaseServerResponseException safe = BaseServerResponseException.newInstance(refusal.getStatusCode(), safeMessage);
        safe.setOperationOutcome(refusal.getOperationOutcome());
        if (refusal.hasResponseHeaders()) {
            refusal.getResponseHeaders().forEach((name, values) -> values.forEach(value -> safe.addResponseHeader(name, value)));
        }
        return safe;
    }

    /** The text itself (the same instance) when XML can carry all of it, else a copy with U+FFFD in place of the rest. */
    static String xmlSafe(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (safe != null) {
                    safe.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD);
            if (!ok && safe == null) {
                safe = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (safe != null) {
                safe.append(ok ? c : '\uFFFD');
            }
        }
        return safe == null ? text : safe.toString();
    }

    private BaseServerResponseException answer(Throwable failure) {
        if (failure instanceof BaseServerResponseException known) {
            if (!(known instanceof InternalErrorException) || known.getCause() == null
                    || known.getCause() instanceof BaseServerResponseException) {
                return known;
            }
            // HAPI wraps what a provider or interceptor threw in a 500 whose message quotes it (SQL, class names):
            // answer for the cause instead
            failure = known.getCause();
        }
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof java.nio.charset.CharacterCodingException
                    || "org.apache.tomcat.util.http.InvalidParameterException".equals(c.getClass().getName())) {
                // the servlet container decodes the query lazily, when the operation first reads a parameter
                String message = "A query parameter is not valid UTF-8 once percent-decoded";
                return new InvalidRequestException(message, OperationOutcomes.error(IssueType.INVALID, message));
            }
        }
        if (failure instanceof DataFormatException badValue) {
            // HAPI's parsers and search-parameter binding throw this for a value in the request they cannot read
            // (e.g. _lastUpdated=yesterday): the client's mistake, and its message names the value, not internals.
            String message = "Invalid request: " + badValue.getMessage();
            return new InvalidRequestException(message, OperationOutcomes.error(IssueType.INVALID, message));
        }
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof DataAccessException) && !(cause instanceof TransactionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof DuplicateKeyException) {
            return new ResourceVersionConflictException("A concurrent request changed the same resource; retry the request");
        }
        String incident = UUID.randomUUID().toString();
        if (!(cause instanceof DataIntegrityViolationException) && (cause instanceof TransientDataAccessException
                || cause instanceof TransactionException || cause instanceof DataAccessException)) {
            log.error("FHIR request failed on the store, incident {}: {}", incident, cause.getClass().getName());
            var unavailable = new ServiceUnavailableException("The store is unavailable; nothing was saved. Retry later (incident "
                    + incident + ")");
            unavailable.setOperationOutcome(OperationOutcomes.error(IssueType.TRANSIENT, unavailable.getMessage()));
            return unavailable;
        }
        if (cause instanceof DataAccessException) {
            // not retryable (a constraint the request broke): its message carries the statement's values
            log.error("FHIR request failed on the store, incident {}: {}", incident, cause.getClass().getName());
        } else {
            log.error("FHIR request failed unexpectedly, incident {}", incident, failure);
        }
        InternalErrorException internal = new InternalErrorException("Internal error (incident " + incident + ")");
        internal.setOperationOutcome(OperationOutcomes.error(IssueType.EXCEPTION, internal.getMessage()));
        return internal;
    }

    /** HTTP 503: the request can be retried unchanged. */
    static final class ServiceUnavailableException extends BaseServerResponseException {
        private static final long serialVersionUID = 1L;

        ServiceUnavailableException(String message) {
            super(503, message);
        }
    }
}
