package org.spgateway.gateway.vcs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.spgateway.mappings.VcsSchemas;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Serves the v1 JSON Schemas of every VCS event, as published in docs/schemas/v1, for integrators' validators. */
@RestController
@Tag(name = ApiDocsConfig.TAG_VCS)
public class SchemaController {

    @Operation(summary = "List the v1 JSON Schemas of every event")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.SchemaIndex.class)))
    @GetMapping(value = "/vcs/v1/schemas", produces = MediaType.APPLICATION_JSON_VALUE)
    public String index() {
        StringBuilder json = new StringBuilder("{\"schemas\":[");
        boolean first = true;
        for (String type : VcsSchemas.EVENT_TYPES) {
            json.append(first ? "" : ",").append("{\"event\":\"").append(type).append("\",\"href\":\"/vcs/v1/schemas/")
                    .append(type).append(".schema.json\"}");
            first = false;
        }
        return json.append("]}").toString();
    }

    @Operation(summary = "One event's v1 JSON Schema (draft 2020-12)")
    @ApiResponse(responseCode = "200", description = "The schema", content = @Content(mediaType = "application/schema+json", schema = @Schema(type = "object")))
    @ApiResponse(responseCode = "404", description = "No schema for that event type")
    @GetMapping("/vcs/v1/schemas/{event}.schema.json")
    public ResponseEntity<String> schema(@PathVariable String event) throws IOException {
        if (!VcsSchemas.EVENT_TYPES.contains(event)) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-schema", "Unknown schema",
                    "No v1 schema for '" + event + "'; GET /vcs/v1/schemas lists them").toResponse();
        }
        try (InputStream in = VcsSchemas.class.getResourceAsStream("/" + VcsSchemas.resourcePath(event))) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing for " + event);
            }
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/schema+json"))
                    .body(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
