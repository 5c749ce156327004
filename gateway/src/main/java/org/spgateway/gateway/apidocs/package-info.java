/**
 * The OpenAPI 3.1 description of the gateway's JSON APIs (the VCS API, the IG lead's and the operator's), generated
 * by springdoc from the controllers at {@code /v3/api-docs} and browsable at {@code /swagger-ui/index.html}. The VCS
 * event JSON Schemas (mappings) are embedded as components, and the webhooks the gateway sends are described in the
 * document's {@code webhooks} section. {@link ApiModels} holds the response shapes the controllers write.
 */
package org.spgateway.gateway.apidocs;
