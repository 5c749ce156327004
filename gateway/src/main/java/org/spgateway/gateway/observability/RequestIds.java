package org.spgateway.gateway.observability;

import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/** The correlation id of the work in progress on this thread. */
public final class RequestIds {

    /** The HTTP header, in and out. */
    public static final String HEADER = "X-Request-Id";
    /** The MDC key: a field of every JSON log line, {@code [id]} in the human-readable pattern. */
    public static final String MDC_KEY = "requestId";
    /** Longest id accepted from a caller; the outbox column holds it. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private RequestIds() {
    }

    /**
     * The caller's id when it is safe to log and store as is (letters, digits, {@code . _ -}, at most
     * {@value #MAX_LENGTH} characters: nothing that could forge a log line; HAPI FHIR accepts the same characters,
     * so /fhir answers with the same id); otherwise a new one.
     */
    public static String acceptOrGenerate(String offered) {
        return offered != null && VALID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    /** The id of the request (or delivery) this thread is working for, or null outside one. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
