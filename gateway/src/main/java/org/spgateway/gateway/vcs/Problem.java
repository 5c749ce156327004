package org.spgateway.gateway.vcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An RFC 9457 problem detail for the JSON APIs: {@code type} is a stable URI per kind of problem, {@code detail} says
 * what to fix, {@code errors} lists field-level problems. Never carries patient data.
 */
public record Problem(HttpStatus status, String type, String title, String detail, List<String> errors) {

    public static final MediaType PROBLEM_JSON = MediaType.parseMediaType("application/problem+json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "https://spgateway.org/problems/";

    public static Problem of(HttpStatus status, String kind, String title, String detail) {
        return new Problem(status, BASE + kind, title, detail, List.of());
    }

    public Problem withErrors(List<String> fieldErrors) {
        return new Problem(status, type, title, detail, List.copyOf(fieldErrors));
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        node.put("title", title);
        node.put("status", status.value());
        node.put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode array = node.putArray("errors");
            errors.forEach(array::add);
        }
        return node.toString();
    }

    public ResponseEntity<String> toResponse() {
        return ResponseEntity.status(status).contentType(PROBLEM_JSON).body(toJson());
    }

    /** Thrown to answer with this problem. */
    public static final class Exception extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Problem problem;

        public Exception(Problem problem) {
            super(problem.detail());
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }
}
