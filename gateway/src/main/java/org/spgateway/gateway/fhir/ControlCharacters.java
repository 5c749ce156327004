package org.spgateway.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * No FHIR search value, id or modifier holds a control character (a NUL byte, {@code %00}); PostgreSQL refuses a NUL
 * in a string parameter with an error that would otherwise surface as a 500 (HostileInputFuzzIT found
 * {@code AuditEvent?patient=%00}). Checked once for every operation's parameters ({@link IncomingResourceInterceptor})
 * and for the criteria the gateway decodes itself (a transaction entry's {@code ifNoneExist}).
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Refuses, with a 400 OperationOutcome, decoded query parameters whose name or a value holds a control character. */
    public static void refuse(String where, Map<String, String[]> parameters) {
        if (parameters == null) {
            return;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String problem = null;
            if (holdsOne(parameter.getKey())) {
                problem = "A parameter name";
            } else if (parameter.getValue() != null) {
                for (String value : parameter.getValue()) {
                    if (holdsOne(value)) {
                        problem = "Parameter " + parameter.getKey();
                        break;
                    }
                }
            }
            if (problem != null) {
                String message = problem + where + " contains a control character";
                throw new InvalidRequestException(message, OperationOutcomes.error(IssueType.INVALID, message));
            }
        }
    }

    private static boolean holdsOne(String value) {
        return value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}
