package org.spgateway.gateway.encryption;

/**
 * A sealed column value that cannot be opened: altered, copied from another row, or under a key this node lacks.
 * The message names the row, never its content.
 */
public class TamperedValueException extends IllegalStateException {

    public TamperedValueException(String message) {
        super(message);
    }
}
