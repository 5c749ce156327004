package org.spgateway.gateway.apidocs;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spgateway.mappings.OutboundVcsEvents;
import org.spgateway.mappings.VcsEventType;
import org.spgateway.mappings.VcsSchemas;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's frame: title, the two ways callers authenticate, the tags, and what springdoc cannot see
 * in the controllers: the v1 event JSON Schemas (the same files the gateway validates with, embedded as components
 * named by event type), the body of {@code POST /vcs/v1/events} as one of the events a service may send, the
 * webhooks the gateway sends (OpenAPI 3.1 {@code webhooks}), the Standard Webhooks headers, and problem+json for
 * every error answer.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocsConfig {

    public static final String TAG_VCS = "VCS organisations";
    public static final String TAG_IG = "IG lead";
    public static final String TAG_OPERATOR = "Operator";
    /** The security scheme of the IG and operator APIs. */
    public static final String LOGIN = "login";
    /** The security scheme of the VCS API. */
    public static final String SIGNED = "standardWebhooks";

    static final String PROBLEM_JSON = "application/problem+json";

    private static final Map<String, String> HEADERS = Map.of(
            "webhook-organisation", "Your organisation id, as registered with the gateway (e.g. vcs-leeds-link-workers)",
            "webhook-id", "A unique id for this request (msg_...; at most 128 characters). Events are applied once per id:"
                    + " send the same id when you retry",
            "webhook-timestamp", "Unix seconds when you signed the request; more than 5 minutes from the gateway's clock is refused",
            "webhook-signature", "v1,<base64 HMAC-SHA256 of webhook-id.webhook-timestamp.body with your secret> (or v1a,<base64"
                    + " Ed25519>); several space-separated signatures may be sent. A GET signs the empty body");

    @Bean
    public OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("spgateway JSON APIs").version("v1")
                        .description("""
                                The JSON APIs of the social prescribing gateway (the FHIR API at /fhir is described by its \
                                CapabilityStatement, /fhir/metadata).

                                * **VCS organisations** report progress (`POST /vcs/v1/events`), read their pull inbox and \
                                fetch the event JSON Schemas. Requests are signed the Standard Webhooks way \
                                (docs/vcs-integration.md). The webhooks the gateway sends are under `webhooks`.
                                * **IG leads** search and export the audit log, read a patient's disclosure report, run the \
                                sharing dry run and verify the log (login with the IG_LEAD role, HTTP Basic).
                                * **Operators** list and replay dead letters, re-enable endpoints and take backups (login \
                                with the OPERATOR role).

                                Every error is RFC 9457 `application/problem+json`. Any request may carry `X-Request-Id` \
                                (letters, digits, `-_.`, at most 64 characters); the answer repeats it, or a generated one."""))
                .components(new Components()
                        .addSecuritySchemes(LOGIN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("An IG lead or operator login"))
                        .addSecuritySchemes(SIGNED, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("webhook-signature")
                                .description("Standard Webhooks signature with your organisation's secret, together with the"
                                        + " webhook-organisation, webhook-id and webhook-timestamp headers")))
                .tags(List.of(new Tag().name(TAG_VCS).description("For voluntary and community sector services"),
                        new Tag().name(TAG_IG).description("For information-governance leads"),
                        new Tag().name(TAG_OPERATOR).description("For the people who run the gateway")));
    }

    @Bean
    public OpenApiCustomizer eventSchemasAndWebhooks() {
        return openApi -> {
            Components components = openApi.getComponents();
            ModelConverters.getInstance(true).readAll(ApiModels.Problem.class).forEach(components::addSchemas);
            for (String type : VcsSchemas.EVENT_TYPES) {
                components.addSchemas(type, eventSchema(type));
            }
            components.addSchemas("VcsEvent", oneOf(inboundTypes()));
            components.addSchemas("GatewayEvent", oneOf(OutboundVcsEvents.TYPES));
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                describeSignatureHeaders(operation);
                problemForErrors(operation);
            }));
            PathItem events = openApi.getPaths().get("/vcs/v1/events");
            if (events != null && events.getPost() != null) {
                events.getPost().requestBody(new RequestBody().required(true).description("One event, signed as is")
                        .content(new Content().addMediaType("application/json",
                                new MediaType().schema(new JsonSchema().$ref("#/components/schemas/VcsEvent")))));
            }
            for (String type : OutboundVcsEvents.TYPES) {
                openApi.addWebhooks(type, webhook(type));
            }
        };
    }

    /** The event types a VCS organisation may post. */
    static List<String> inboundTypes() {
        List<String> types = new ArrayList<>();
        for (VcsEventType type : VcsEventType.values()) {
            types.add(type.wireName());
        }
        return types;
    }

    private static Schema<?> oneOf(List<String> types) {
        Schema<?> schema = new JsonSchema();
        Discriminator discriminator = new Discriminator().propertyName("type");
        for (String type : types) {
            schema.addOneOfItem(new JsonSchema().$ref("#/components/schemas/" + type));
            discriminator.mapping(type, "#/components/schemas/" + type);
        }
        return schema.discriminator(discriminator);
    }

    /** The bundled v1 schema of an event type, as a component (its own $id and $schema dropped: the document's apply). */
    @SuppressWarnings("unchecked")
    private static Schema<?> eventSchema(String type) {
        try (InputStream in = VcsSchemas.class.getClassLoader().getResourceAsStream(VcsSchemas.resourcePath(type))) {
            if (in == null) {
                throw new IllegalStateException("schema missing from the classpath: " + VcsSchemas.resourcePath(type));
            }
            Schema<?> schema = Json31.mapper().readValue(in, Schema.class);
            schema.set$id(null);
            schema.set$schema(null);
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PathItem webhook(String type) {
        Operation post = new Operation().operationId("webhook-" + type).addTagsItem(TAG_VCS)
                .summary("The gateway sends " + type + " to a push-mode service's webhook URL")
                .description("Signed with your secret (Standard Webhooks, v1 HMAC-SHA256; v1a Ed25519 if agreed). Verify the"
                        + " signature over the raw body before trusting it, process each webhook-id once, answer 2xx once"
                        + " stored. 429/5xx/timeouts are retried with the same webhook-id for over three days; 410 disables"
                        + " your endpoint; other 4xx dead-letter the message. Pull-mode services find the same payload in"
                        + " their inbox.")
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                        new MediaType().schema(new JsonSchema().$ref("#/components/schemas/" + type)))))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("Stored; any 2xx will do"))
                        .addApiResponse("410", new ApiResponse().description("Endpoint withdrawn: no more deliveries until"
                                + " an operator re-enables it")));
        for (String header : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            post.addParametersItem(new HeaderParameter().name(header).required(true).description(
                    "webhook-id".equals(header) ? "The message id, the same on every retry: process each id once"
                            : HEADERS.get(header)).schema(new JsonSchema().typesItem("string")));
        }
        return new PathItem().post(post);
    }

    private static void describeSignatureHeaders(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter parameter : operation.getParameters()) {
            if ("header".equals(parameter.getIn()) && HEADERS.containsKey(parameter.getName())) {
                parameter.description(HEADERS.get(parameter.getName())).required(true);
            }
        }
    }

    /** Every error answer is problem+json: a {@code default} response for the ones an operation does not list. */
    private static void problemForErrors(Operation operation) {
        ApiResponses responses = operation.getResponses();
        if (responses == null) {
            responses = new ApiResponses();
            operation.responses(responses);
        }
        responses.forEach((code, response) -> {
            if (!code.startsWith("2") && response.get$ref() == null) {
                response.content(problemContent());
            }
        });
        if (!responses.containsKey("default")) {
            responses.addApiResponse("default", new ApiResponse().description("An error, as RFC 9457 problem details")
                    .content(problemContent()));
        }
    }

    private static Content problemContent() {
        return new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new JsonSchema().$ref("#/components/schemas/Problem")));
    }
}
