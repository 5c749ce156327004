package org.spgateway.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Records failed logins ({@code auth.failed}) and requests refused for want of a role ({@code authz.denied}) in the
 * audit log, so an IG lead can see who tried what. Passwords are never recorded.
 */
@Component
public class SecurityAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog audit;

    public SecurityAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    public void loginFailed(AbstractAuthenticationFailureEvent event) {
        ObjectNode details = JSON.createObjectNode();
        details.put("scheme", "login");
        details.put("claimedUser", clip(String.valueOf(event.getAuthentication().getName())));
        details.put("reason", event.getException().getClass().getSimpleName());
        audit.appendAlone(new AuditEntry("auth.failed", "unauthenticated", null, null, null, details));
    }

    /** A logged-in user asked for something their roles do not allow. */
    public void denied(HttpServletRequest request, Exception why) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        ObjectNode details = JSON.createObjectNode();
        details.put("method", request.getMethod());
        details.put("path", clip(request.getRequestURI()));
        details.put("reason", why instanceof org.springframework.security.web.csrf.CsrfException
                ? "missing or invalid CSRF token" : "role required");
        details.set("roles", JSON.valueToTree(auth == null ? java.util.List.of()
                : auth.getAuthorities().stream().map(Object::toString).sorted().toList()));
        audit.appendAlone(new AuditEntry("authz.denied", "user:" + (auth == null ? "anonymous" : auth.getName()),
                null, null, null, details));
    }

    private static String clip(String value) {
        return value == null || value.length() <= 200 ? value : value.substring(0, 200);
    }
}
