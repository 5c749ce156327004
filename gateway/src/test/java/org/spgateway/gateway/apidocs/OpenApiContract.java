package org.spgateway.gateway.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks real answers against the gateway's own OpenAPI 3.1 document: the operation's documented response for the
 * status (or {@code default}), its media type, and the body against the schema, strictly: every object of a
 * generated component schema may hold only the properties it documents (an undocumented field fails), and a
 * property not marked required may be absent or null. Remembers which operations and statuses it checked.
 */
final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .locale(Locale.ENGLISH).build()));

    private final JsonNode document;
    private final ObjectNode strictComponents;
    private final Set<String> checked = new TreeSet<>();

    OpenApiContract(JsonNode document, Set<String> generatedSchemas) {
        this.document = document;
        this.strictComponents = (ObjectNode) document.path("components").deepCopy();
        ObjectNode schemas = (ObjectNode) strictComponents.path("schemas");
        schemas.fieldNames().forEachRemaining(name -> {
            if (generatedSchemas.contains(name)) {
                strict(schemas.get(name));
            }
        });
    }

    JsonNode document() {
        return document;
    }

    Set<String> checked() {
        return checked;
    }

    /** Tightens a schema generated from a record: no undocumented properties; optional ones may be null. */
    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode properties = object.get("properties");
            if (properties instanceof ObjectNode props && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
                Set<String> required = new TreeSet<>();
                object.path("required").forEach(r -> required.add(r.asText()));
                props.fieldNames().forEachRemaining(name -> {
                    if (!required.contains(name)) {
                        JsonNode original = props.get(name);
                        ObjectNode nullable = JSON.createObjectNode();
                        ArrayNode anyOf = nullable.putArray("anyOf");
                        anyOf.add(original);
                        anyOf.addObject().put("type", "null");
                        props.set(name, nullable);
                    }
                });
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                strict(it.next().getValue());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(OpenApiContract::strict);
        }
    }

    /** The operation documented for a path template and method, or a failure naming what is missing. */
    JsonNode operation(String method, String pathTemplate) {
        JsonNode operation = document.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        assertThat(operation.isObject()).as("%s %s is in the OpenAPI document", method, pathTemplate).isTrue();
        return operation;
    }

    /** Checks one real answer of {@code method pathTemplate} against the document. */
    void check(String method, String pathTemplate, HttpResponse<String> response) throws Exception {
        JsonNode operation = operation(method, pathTemplate);
        String status = Integer.toString(response.statusCode());
        JsonNode documented = operation.path("responses").path(status);
        if (documented.isMissingNode()) {
            assertThat(response.statusCode()).as("%s %s answered %s, which it does not document: %s", method, pathTemplate,
                    status, response.body()).isGreaterThanOrEqualTo(400);
            documented = operation.path("responses").path("default");
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("").replaceFirst(";.*", "").trim();
        JsonNode media = documented.path("content").path(contentType);
        assertThat(media.isObject()).as("%s %s %s: documented media types %s include the answer's %s", method, pathTemplate,
                status, names(documented.path("content")), contentType).isTrue();
        if (contentType.endsWith("json")) {
            ObjectNode schema = JSON.createObjectNode();
            schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            schema.set("allOf", JSON.createArrayNode().add(media.path("schema")));
            schema.set("components", strictComponents);
            Schema compiled = REGISTRY.getSchema(schema);
            List<Error> errors = compiled.validate(JSON.readTree(response.body()));
            assertThat(errors).as("%s %s %s answer %s matches its schema", method, pathTemplate, status, response.body())
                    .isEmpty();
        }
        checked.add(method.toUpperCase(Locale.ROOT) + " " + pathTemplate + " " + status);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
