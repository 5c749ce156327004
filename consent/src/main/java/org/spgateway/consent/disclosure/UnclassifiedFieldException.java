package org.spgateway.consent.disclosure;

/**
 * A payload held a field with no data class and not declared as an envelope field. The disclosure is refused as a
 * whole (fail closed). The message names the JSON Pointer only, never the value, so it can be logged.
 */
public class UnclassifiedFieldException extends IllegalArgumentException {
    private final String pointer;

    public UnclassifiedFieldException(String pointer) {
        super("payload field " + pointer + " has no data class: unclassified data never leaves "
                + "(classify it, or declare it an envelope field)");
        this.pointer = pointer;
    }

    /** JSON Pointer of the unclassified field. */
    public String pointer() {
        return pointer;
    }
}
