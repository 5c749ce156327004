package org.spgateway.consent.policy;

/**
 * A policy file that must not be used. The message names the source, line and key (for example
 * {@code default-policy.yaml line 12, key rules.address.activity-provider: unknown rule value 'maybe'}) so the IG
 * lead can fix it without reading code; it never contains patient data, since policies hold none.
 */
public class PolicyValidationException extends RuntimeException {
    private final String source;
    private final int line;
    private final String key;

    public PolicyValidationException(String source, int line, String key, String problem) {
        this(source, line, key, problem, null);
    }

    public PolicyValidationException(String source, int line, String key, String problem, Throwable cause) {
        super(source + " line " + line + ", key " + key + ": " + problem, cause);
        this.source = source;
        this.line = line;
        this.key = key;
    }

    /** Name of the policy file or resource. */
    public String source() {
        return source;
    }

    /** 1-based line number of the offending key or value. */
    public int line() {
        return line;
    }

    /** Dotted path of the offending key, e.g. {@code rules.conditions.link-worker-service}. */
    public String key() {
        return key;
    }
}
