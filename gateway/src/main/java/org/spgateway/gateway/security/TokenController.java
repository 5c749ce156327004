package org.spgateway.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The SMART Backend Services token endpoint, {@code POST /oauth/token} (form-encoded, client_credentials with a
 * private_key_jwt assertion). Errors follow RFC 6749 section 5.2; each refusal is audited as {@code auth.failed}.
 */
@RestController
public class TokenController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SmartTokens tokens;
    private final SmartProperties properties;
    private final AuditLog audit;

    public TokenController(SmartTokens tokens, SmartProperties properties, AuditLog audit) {
        this.tokens = tokens;
        this.properties = properties;
        this.audit = audit;
    }

    @PostMapping(value = "/oauth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> token(@RequestParam(name = "grant_type", required = false) String grantType,
                                        @RequestParam(name = "client_assertion_type", required = false) String assertionType,
                                        @RequestParam(name = "client_assertion", required = false) String assertion,
                                        @RequestParam(name = "scope", required = false) String scope,
                                        HttpServletRequest request) {
        ObjectNode body = JSON.createObjectNode();
        try {
            SmartTokens.Issued issued = tokens.issue(grantType, assertionType, assertion, scope, tokenUrl(request, properties));
            body.put("access_token", issued.accessToken());
            body.put("token_type", "bearer");
            body.put("expires_in", issued.expiresIn());
            body.put("scope", issued.scope());
            return ResponseEntity.ok().header("Cache-Control", "no-store").header("Pragma", "no-cache").body(body.toString());
        } catch (SmartTokens.Refusal refusal) {
            ObjectNode details = JSON.createObjectNode();
            details.put("scheme", "smart-backend-services");
            details.put("error", refusal.error());
            details.put("reason", refusal.getMessage());
            audit.appendAlone(new AuditEntry("auth.failed", "unauthenticated", null, null, null, details));
            body.put("error", refusal.error());
            body.put("error_description", refusal.getMessage());
            return ResponseEntity.status(refusal.status()).header("Cache-Control", "no-store").body(body.toString());
        }
    }

    /** The token endpoint's address as clients must name it in {@code aud}. */
    static String tokenUrl(HttpServletRequest request, SmartProperties properties) {
        return baseUrl(request, properties) + "/oauth/token";
    }

    static String baseUrl(HttpServletRequest request, SmartProperties properties) {
        if (properties.publicBaseUrl() != null && !properties.publicBaseUrl().isBlank()) {
            return properties.publicBaseUrl().replaceAll("/+$", "");
        }
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
        return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port) + request.getContextPath();
    }
}
