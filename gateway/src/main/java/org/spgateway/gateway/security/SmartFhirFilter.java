package org.spgateway.gateway.security;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.store.CallerScope;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of {@code /fhir}: serves the SMART configuration document, lets the CapabilityStatement through, and
 * requires a valid bearer token for everything else (401 OperationOutcome with {@code WWW-Authenticate: Bearer}
 * otherwise, before any body is read). The caller's practice confines the store for the rest of the request.
 */
public class SmartFhirFilter extends OncePerRequestFilter {

    /** Request attribute holding the {@link SmartTokens.Caller}; also read by the rate limiter as the client id. */
    public static final String CALLER = "org.spgateway.smart-caller";
    public static final String CLIENT_ID = "org.spgateway.client-id";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SmartTokens tokens;
    private final SmartProperties properties;
    private final FhirContext fhir;

    public SmartFhirFilter(SmartTokens tokens, SmartProperties properties, FhirContext fhir) {
        this.tokens = tokens;
        this.properties = properties;
        this.fhir = fhir;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/fhir/.well-known/smart-configuration") || path.equals("/.well-known/smart-configuration")) {
            response.setContentType("application/json");
            response.getWriter().write(configuration(TokenController.baseUrl(request, properties)));
            return;
        }
        if (!path.startsWith("/fhir")) {
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader("Authorization");
        Optional<SmartTokens.Caller> caller = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? tokens.verify(header.substring(7).trim()) : Optional.empty();
        if (caller.isEmpty()) {
            boolean metadata = path.equals("/fhir/metadata") && "GET".equals(request.getMethod());
            if (metadata || !properties.required()) {
                chain.doFilter(request, response);
                return;
            }
            unauthorised(response, header == null ? "This FHIR endpoint needs an access token: get one from /oauth/token"
                    + " (SMART Backend Services, see /fhir/.well-known/smart-configuration)"
                    : "The access token is not valid or has expired: get a new one from /oauth/token");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        request.setAttribute(CLIENT_ID, caller.get().clientId());
        CallerScope.enter(caller.get().practice());
        try {
            chain.doFilter(request, response);
        } finally {
            CallerScope.clear();
        }
    }

    private void unauthorised(HttpServletResponse response, String message) throws IOException {
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"spgateway\"");
        response.setContentType("application/fhir+json;charset=UTF-8");
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.LOGIN, message);
        response.getWriter().write(fhir.newJsonParser().encodeResourceToString(outcome));
    }

    /** The SMART configuration document (SMART App Launch 2.x, backend services subset). */
    static String configuration(String base) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("token_endpoint", base + "/oauth/token");
        doc.putArray("grant_types_supported").add("client_credentials");
        doc.putArray("token_endpoint_auth_methods_supported").add("private_key_jwt");
        ArrayNode algs = doc.putArray("token_endpoint_auth_signing_alg_values_supported");
        algs.add("RS384").add("ES384");
        doc.putArray("scopes_supported").add("system/ServiceRequest.write").add("system/ServiceRequest.read")
                .add("system/Task.read").add("system/Patient.write").add("system/Patient.read")
                .add("system/Consent.write").add("system/Consent.read").add("system/Observation.read")
                .add("system/*.read").add("system/*.write");
        doc.putArray("capabilities").add("client-confidential-asymmetric");
        return doc.toString();
    }
}
