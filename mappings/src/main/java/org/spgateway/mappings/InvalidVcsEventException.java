package org.spgateway.mappings;

import java.util.List;

/**
 * A VCS event body that is not a valid v1 event. {@link #errors()} name the failing field by JSON path
 * ({@code $.outcomes.ons4.anxiety: ...}) and never echo free-text values, so they are safe to return in a
 * problem+json response and to log (design.md section 4, "Clear errors").
 */
public final class InvalidVcsEventException extends RuntimeException {
    private final List<String> errors;

    public InvalidVcsEventException(List<String> errors) {
        super("invalid VCS event: " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
