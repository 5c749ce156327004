package org.spgateway.gateway.vcs;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every JSON API answers as RFC 9457 problem+json, from this one place: a {@link Problem.Exception} as it says, Spring
 * MVC's own refusals (wrong method, media type, missing header, unknown path...) with their status, and anything
 * unexpected as a 500 with an incident id, logged here, never with a stack trace in the answer. The problem is sent
 * whatever the Accept header says, so a client that asked for something else still learns what went wrong.
 */
@RestControllerAdvice
public class ProblemAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(Problem.Exception.class)
    public ResponseEntity<String> problem(Problem.Exception e) {
        return e.problem().toResponse();
    }

    /** Spring MVC's refusals, each of which knows its status (405 keeps its Allow header). */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<String> other(Exception e) {
        if (e instanceof ErrorResponse refusal) {
            HttpStatus status = HttpStatus.resolve(refusal.getStatusCode().value());
            if (status != null && status.is4xxClientError()) {
                String detail = refusal.getBody().getDetail() == null ? status.getReasonPhrase() : refusal.getBody().getDetail();
                Problem problem = Problem.of(status, "http-" + status.value(), status.getReasonPhrase(), detail);
                HttpHeaders headers = new HttpHeaders();
                headers.putAll(refusal.getHeaders());
                headers.setContentType(Problem.PROBLEM_JSON);
                return ResponseEntity.status(status).headers(headers).body(problem.toJson());
            }
        }
        if (e instanceof TypeMismatchException || e instanceof HttpMessageNotReadableException) {
            // the message of either can quote the request: say what is wrong in general terms
            return Problem.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                    "A parameter or the body could not be read as the type this endpoint expects").toResponse();
        }
        String incident = UUID.randomUUID().toString();
        if (e instanceof DataAccessException) {
            // a store failure's message can carry the values of the statement: its class is enough to start from
            log.error("JSON API request failed on the store, incident {}: {}", incident, e.getClass().getName());
        } else {
            log.error("JSON API request failed unexpectedly, incident {}", incident, e);
        }
        return Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "Internal error (incident " + incident + ")").toResponse();
    }
}
