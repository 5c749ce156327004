package org.spgateway.gateway.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;

/**
 * Checks the caller's SMART scopes against what each FHIR request does (read covers read, vread, history and
 * search; write covers create, update and delete; a transaction needs the scope of every entry), answering 403
 * with an OperationOutcome and auditing the refusal ({@code authz.denied}). Also declares SMART security, with the
 * token endpoint, in the CapabilityStatement.
 */
public class SmartScopeInterceptor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog audit;
    private final SmartProperties properties;

    public SmartScopeInterceptor(AuditLog audit, SmartProperties properties) {
        this.audit = audit;
        this.properties = properties;
    }

    // runs before the body is validated, so a caller without the scope learns nothing from validation messages
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
    public void checkOperation(RequestDetails request) {
        SmartTokens.Caller caller = caller(request);
        if (caller == null) {
            return;
        }
        RestOperationTypeEnum op = request.getRestOperationType();
        String type = request.getResourceName();
        if (op == null) {
            return;
        }
        switch (op) {
            case METADATA -> {
                // the CapabilityStatement is public
            }
            case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE, SEARCH_TYPE -> require(caller.scopes().canRead(type), caller, request, "read " + type);
            case CREATE, UPDATE, DELETE, PATCH -> require(caller.scopes().canWrite(type), caller, request, "write " + type);
            case GET_PAGE -> require(!caller.scopes().isEmpty(), caller, request, "page");
            case TRANSACTION, BATCH -> {
                // entries are checked once the Bundle is parsed
            }
            default -> require(caller.scopes().canRead("*") && caller.scopes().canWrite("*"), caller, request, op.getCode());
        }
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void checkTransactionEntries(RequestDetails request, RestOperationTypeEnum op) {
        SmartTokens.Caller caller = caller(request);
        if (caller == null || (op != RestOperationTypeEnum.TRANSACTION && op != RestOperationTypeEnum.BATCH)
                || !(request.getResource() instanceof Bundle bundle)) {
            return;
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Bundle.HTTPVerb verb = entry.getRequest().getMethod();
            String type = entry.hasResource() ? entry.getResource().fhirType()
                    : entry.getRequest().getUrl() == null ? "*" : entry.getRequest().getUrl().split("[/?]")[0];
            boolean read = verb == Bundle.HTTPVerb.GET || verb == Bundle.HTTPVerb.HEAD;
            require(read ? caller.scopes().canRead(type) : caller.scopes().canWrite(type), caller, request,
                    (read ? "read " : "write ") + type + " in a transaction");
        }
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declareSecurity(IBaseConformance statement, RequestDetails request) {
        if (!(statement instanceof CapabilityStatement cs) || cs.getRest().isEmpty()) {
            return;
        }
        HttpServletRequest servlet = request instanceof ServletRequestDetails s ? s.getServletRequest() : null;
        String base = servlet == null ? "" : TokenController.baseUrl(servlet, properties);
        CapabilityStatement.CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
        security.setCors(false);
        security.addService(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/restful-security-service",
                "SMART-on-FHIR", "SMART-on-FHIR")));
        security.setDescription("SMART Backend Services: client_credentials with a private_key_jwt assertion (RS384 or"
                + " ES384) at the token endpoint; access tokens live 300 s; system scopes such as"
                + " system/ServiceRequest.write and system/Task.read. Each client sees only its own practice's records."
                + " Token endpoint: " + base + "/oauth/token (discovery: " + base + "/fhir/.well-known/smart-configuration)."
                + (properties.required() ? "" : " (Not enforced on this server.)"));
        // Discovery is GET /.well-known/smart-configuration (SMART App Launch 2, which Backend Services uses). The older
        // oauth-uris extension is not declared: its definition requires an authorize endpoint, which a system-to-system
        // server has not, so declaring it would make the CapabilityStatement invalid.
    }

    private static SmartTokens.Caller caller(RequestDetails request) {
        if (request instanceof ServletRequestDetails servlet
                && servlet.getServletRequest().getAttribute(SmartFhirFilter.CALLER) instanceof SmartTokens.Caller caller) {
            return caller;
        }
        return null;
    }

    private void require(boolean allowed, SmartTokens.Caller caller, RequestDetails request, String what) {
        if (allowed) {
            return;
        }
        ObjectNode details = JSON.createObjectNode();
        details.put("method", request.getRequestType() == null ? null : request.getRequestType().name());
        details.put("path", request.getRequestPath());
        details.put("needed", what);
        details.put("granted", caller.scopes().toString());
        audit.appendAlone(new AuditEntry("authz.denied", "client:" + caller.clientId(), null, null, null, details));
        throw new ForbiddenOperationException("The access token's scopes (" + caller.scopes()
                + ") do not allow " + what + ": ask for a scope such as system/" + what.replaceFirst("^(read|write) ", "")
                .replaceFirst(" in a transaction$", "") + (what.startsWith("read") ? ".read" : ".write"));
    }
}
