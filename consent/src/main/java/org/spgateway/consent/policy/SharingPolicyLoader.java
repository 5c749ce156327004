package org.spgateway.consent.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.RecipientRole;

/**
 * Reads a sharing policy from YAML and refuses anything doubtful.
 *
 * <p>The file is walked token by token rather than bound to a tree, because a tree forgets where each key was and
 * the IG lead needs the line number. Expected shape (see {@code default-policy.yaml}):
 *
 * <pre>{@code
 * version: "2026.1"
 * description: free text            # optional
 * purposes: [social-prescribing-referral]
 * rules:
 *   address: { link-worker-service: permit, advice-service: permit, activity-provider: deny }
 *   ...                               # one row per data class, one cell per role
 * }</pre>
 *
 * Refused, each with a {@link PolicyValidationException} naming line and key: malformed YAML, an unknown or
 * duplicate top-level key, data class, role or purpose, an unknown rule value, a row missing a role, a missing
 * data class row, and a missing or blank {@code version}, {@code purposes} or {@code rules}.
 */
public final class SharingPolicyLoader {
    /** Classpath location of the default policy (design.md section 3). */
    public static final String DEFAULT_POLICY_RESOURCE = "/org/spgateway/consent/default-policy.yaml";

    private static final YAMLFactory YAML = new YAMLFactory();

    /** The default policy shipped with the module. */
    public SharingPolicy loadDefault() {
        try (InputStream in = SharingPolicyLoader.class.getResourceAsStream(DEFAULT_POLICY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("default policy resource missing: " + DEFAULT_POLICY_RESOURCE);
            }
            return load(in, "default-policy.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A policy from a file, e.g. one the operator configured. */
    public SharingPolicy load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(reader, file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A policy from a stream (UTF-8); {@code source} names it in error messages. */
    public SharingPolicy load(InputStream in, String source) {
        return load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), source);
    }

    /** A policy from YAML text; {@code source} names it in error messages. */
    public SharingPolicy parse(String yaml, String source) {
        return load(new StringReader(yaml), source);
    }

    private SharingPolicy load(Reader reader, String source) {
        try (JsonParser parser = YAML.createParser(reader)) {
            return new Walk(parser, source).policy();
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            int line = location == null ? 0 : location.getLineNr();
            throw new PolicyValidationException(source, line, "(document)", "not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One pass over one document; holds the parser state so the parsing methods stay short. */
    private static final class Walk {
        private final JsonParser parser;
        private final String source;
        private String version;
        private String description;
        private Set<Purpose> purposes;
        private Map<DataClass, Map<RecipientRole, Rule>> rules;

        Walk(JsonParser parser, String source) {
            this.parser = parser;
            this.source = source;
        }

        SharingPolicy policy() throws IOException {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw error("(document)", "a policy must be a YAML mapping with version, purposes and rules");
            }
            var seen = new LinkedHashSet<String>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int line = line();
                if (!seen.add(key)) {
                    throw new PolicyValidationException(source, line, key, "duplicate key");
                }
                parser.nextToken();
                switch (key) {
                    case "version" -> version = scalar(key, line);
                    case "description" -> description = scalar(key, line);
                    case "purposes" -> purposes = purposes(line);
                    case "rules" -> rules = rules(line);
                    default -> throw new PolicyValidationException(source, line, key,
                            "unknown key (expected version, description, purposes, rules)");
                }
            }
            // A policy without a version cannot be cited in the audit log, so it is refused outright.
            requirePresent(version, "version");
            requirePresent(purposes, "purposes");
            requirePresent(rules, "rules");
            return new SharingPolicy(version, description, purposes, rules);
        }

        private Set<Purpose> purposes(int keyLine) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw new PolicyValidationException(source, keyLine, "purposes", "must be a list of purpose codes");
            }
            var result = new LinkedHashSet<Purpose>();
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                String key = "purposes[" + index++ + "]";
                int line = line();
                String code = scalar(key, line);
                if (!result.add(new Purpose(code))) {
                    throw new PolicyValidationException(source, line, key, "duplicate purpose '" + code + "'");
                }
            }
            if (result.isEmpty()) {
                throw new PolicyValidationException(source, keyLine, "purposes", "must list at least one purpose");
            }
            return result;
        }

        private Map<DataClass, Map<RecipientRole, Rule>> rules(int keyLine) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new PolicyValidationException(source, keyLine, "rules",
                        "must be a mapping from data class to a row of role: rule");
            }
            var result = new EnumMap<DataClass, Map<RecipientRole, Rule>>(DataClass.class);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String classId = parser.currentName();
                String key = "rules." + classId;
                int line = line();
                DataClass dataClass = DataClass.fromId(classId).orElseThrow(() ->
                        new PolicyValidationException(source, line, key, "unknown data class '" + classId + "'"));
                if (result.containsKey(dataClass)) {
                    throw new PolicyValidationException(source, line, key, "duplicate data class");
                }
                parser.nextToken();
                result.put(dataClass, row(key, line));
            }
            for (DataClass dataClass : DataClass.values()) {
                if (!result.containsKey(dataClass)) {
                    throw new PolicyValidationException(source, keyLine, "rules." + dataClass.id(),
                            "missing row for data class '" + dataClass.id() + "' (every class needs a rule per role)");
                }
            }
            return result;
        }

        private Map<RecipientRole, Rule> row(String rowKey, int rowLine) throws IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw new PolicyValidationException(source, rowLine, rowKey, "must be a mapping of role: rule");
            }
            var row = new EnumMap<RecipientRole, Rule>(RecipientRole.class);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String roleId = parser.currentName();
                String key = rowKey + "." + roleId;
                int line = line();
                RecipientRole role = RecipientRole.fromId(roleId).orElseThrow(() ->
                        new PolicyValidationException(source, line, key, "unknown role '" + roleId + "'"));
                if (row.containsKey(role)) {
                    throw new PolicyValidationException(source, line, key, "duplicate role");
                }
                parser.nextToken();
                String value = scalar(key, line());
                Rule rule = Rule.fromId(value).orElseThrow(() -> new PolicyValidationException(source, line, key,
                        "unknown rule value '" + value + "' (expected permit, deny or explicit-consent)"));
                row.put(role, rule);
            }
            for (RecipientRole role : RecipientRole.values()) {
                if (!row.containsKey(role)) {
                    throw new PolicyValidationException(source, rowLine, rowKey + "." + role.id(),
                            "missing rule for role '" + role.id() + "'");
                }
            }
            return row;
        }

        private String scalar(String key, int line) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == null || !token.isScalarValue() || token == JsonToken.VALUE_NULL) {
                throw new PolicyValidationException(source, line, key, "must be a single non-empty value");
            }
            String text = parser.getText().trim();
            if (text.isEmpty()) {
                throw new PolicyValidationException(source, line, key, "must not be blank");
            }
            return text;
        }

        private void requirePresent(Object value, String key) {
            if (value == null) {
                // Nothing to point at: the key is absent, so name the top of the document.
                throw new PolicyValidationException(source, 1, key, "missing required key");
            }
        }

        private int line() {
            return parser.currentTokenLocation().getLineNr();
        }

        private PolicyValidationException error(String key, String problem) {
            return new PolicyValidationException(source, line(), key, problem);
        }
    }
}
