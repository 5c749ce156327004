package org.spgateway.gateway.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SMART system scopes: v1 ({@code system/Task.read}, {@code system/ServiceRequest.write}, {@code system/*.*}) and v2
 * ({@code system/Task.rs}, {@code system/ServiceRequest.cruds}). Read covers read, vread, history and search; write
 * covers create, update and delete.
 */
public final class SmartScopes {

    private static final Pattern SCOPE = Pattern.compile("system/(\\*|[A-Z][A-Za-z]+)\\.(read|write|\\*|c?r?u?d?s?)");

    /** One granted scope. */
    public record Scope(String text, String resourceType, boolean read, boolean write) {
        boolean covers(String type) {
            return "*".equals(resourceType) || resourceType.equals(type);
        }
    }

    private final List<Scope> scopes;

    private SmartScopes(List<Scope> scopes) {
        this.scopes = List.copyOf(scopes);
    }

    /** Parses a space-separated scope string; unknown forms throw {@link IllegalArgumentException} naming the scope. */
    public static SmartScopes parse(String text) {
        List<Scope> parsed = new ArrayList<>();
        if (text != null) {
            for (String s : text.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    parsed.add(scope(s));
                }
            }
        }
        return new SmartScopes(parsed);
    }

    private static Scope scope(String s) {
        Matcher m = SCOPE.matcher(s);
        if (!m.matches() || m.group(2).isEmpty()) {
            throw new IllegalArgumentException("Unsupported scope '" + s + "': use system/<ResourceType>.read|write|*"
                    + " or SMART v2 system/<ResourceType>.cruds");
        }
        String access = m.group(2);
        boolean read;
        boolean write;
        switch (access) {
            case "read" -> { read = true; write = false; }
            case "write" -> { read = false; write = true; }
            case "*" -> { read = true; write = true; }
            default -> { // SMART v2 letters
                read = access.contains("r") || access.contains("s");
                write = access.contains("c") || access.contains("u") || access.contains("d");
            }
        }
        return new Scope(s, m.group(1), read, write);
    }

    public boolean canRead(String type) {
        return scopes.stream().anyMatch(s -> s.read() && s.covers(type));
    }

    public boolean canWrite(String type) {
        return scopes.stream().anyMatch(s -> s.write() && s.covers(type));
    }

    /** The requested scopes this client may have: each requested scope must be covered by an allowed one. */
    public SmartScopes grant(SmartScopes requested) {
        List<Scope> granted = new ArrayList<>();
        for (Scope want : requested.scopes) {
            boolean allowed = scopes.stream().anyMatch(have -> ("*".equals(have.resourceType())
                    || have.resourceType().equals(want.resourceType())) && (have.read() || !want.read())
                    && (have.write() || !want.write()));
            if (allowed) {
                granted.add(want);
            }
        }
        return new SmartScopes(granted);
    }

    public boolean isEmpty() {
        return scopes.isEmpty();
    }

    public Set<String> texts() {
        Set<String> texts = new LinkedHashSet<>();
        scopes.forEach(s -> texts.add(s.text()));
        return texts;
    }

    @Override
    public String toString() {
        return String.join(" ", texts());
    }
}
