package org.spgateway.gateway.vcs;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every JSON API answers a {@link Problem.Exception} as RFC 9457 problem+json, from this one place. */
@RestControllerAdvice
public class ProblemAdvice {

    @ExceptionHandler(Problem.Exception.class)
    public ResponseEntity<String> problem(Problem.Exception e) {
        return e.problem().toResponse();
    }
}
