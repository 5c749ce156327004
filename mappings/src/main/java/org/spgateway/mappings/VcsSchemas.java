package org.spgateway.mappings;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas (draft 2020-12) of every v1 VCS event, bundled under
 * {@code org/spgateway/mappings/schema/v1/<type>.schema.json} and published for VCS developers as
 * {@code docs/schemas/v1/}.
 *
 * <p>The schemas are the contract with small charities: what they may send and what they will receive. The gateway
 * validates every incoming event with {@link #validate(String, JsonNode)} before reading it, and the tests validate
 * the mapper's output against the outbound schemas, so the published contract cannot drift from the code.
 *
 * <p>Thread-safe; compiled schemas are cached.
 */
public final class VcsSchemas {
    /** Every v1 event type that has a schema, inbound and outbound. */
    public static final List<String> EVENT_TYPES = List.of(
            "referral.created", "referral.cancelled", "consent.withdrawn",
            "referral.accepted", "referral.declined", "referral.contacted", "referral.unable-to-contact",
            "referral.appointment-booked", "referral.attending", "referral.on-hold", "referral.completed",
            "link-worker.assigned");

    private static final String BASE = "org/spgateway/mappings/schema/v1/";
    /**
     * JSONPath locations ({@code $.outcomes.ons4.anxiety}) read best in a problem+json response; formats are
     * asserted (2020-12 only annotates them by default) so a date-time without offset fails here, not later; English
     * messages whatever the server's locale.
     */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .pathType(PathType.JSON_PATH)
                    .formatAssertionsEnabled(true)
                    .locale(Locale.ENGLISH)
                    .build()));
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private VcsSchemas() {
    }

    /**
     * Validates {@code body} against the v1 schema of {@code eventType}.
     *
     * @return human-readable errors, each starting with the JSON path of the failing field
     *         ({@code $.outcomes.ons4.anxiety: ...}); empty when valid
     */
    public static List<String> validate(String eventType, JsonNode body) {
        Optional<Schema> schema = schema(eventType);
        if (schema.isEmpty()) {
            return List.of("$.type: unknown event type; expected one of " + EVENT_TYPES);
        }
        return schema.get().validate(body).stream()
                .map(VcsSchemas::describe)
                .distinct()
                .sorted()
                .toList();
    }

    /** The resource path of an event type's schema, e.g. for serving it at a documentation endpoint. */
    public static String resourcePath(String eventType) {
        return BASE + eventType + ".schema.json";
    }

    private static Optional<Schema> schema(String eventType) {
        if (!EVENT_TYPES.contains(eventType)) {
            return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent(eventType, VcsSchemas::load));
    }

    private static Schema load(String eventType) {
        String path = resourcePath(eventType);
        try (InputStream in = VcsSchemas.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the classpath: " + path);
            }
            return REGISTRY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * "{@code <JSONPath of the field>: <what is wrong>}". A missing or unexpected field is reported at its own path
     * ({@code $.reason: required}) rather than at its parent's, so the sender sees which field to fix.
     */
    private static String describe(Error error) {
        String location = error.getInstanceLocation().toString();
        String keyword = error.getKeyword();
        String property = error.getProperty();
        if ("required".equals(keyword) && property != null) {
            return location + "." + property + ": required";
        }
        if ("additionalProperties".equals(keyword) && property != null) {
            return location + "." + property + ": is not a field of this event (check the spelling)";
        }
        if ("format".equals(keyword) && "date-time".equals(error.getSchemaNode().asText())) {
            return location + ": must be an ISO-8601 date-time with offset, e.g. 2026-11-21T14:30:00Z";
        }
        if ("minProperties".equals(keyword)) {
            return location + ": must not be empty";
        }
        return location + ": " + error.getMessage();
    }
}
