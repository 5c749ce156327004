package org.spgateway.gateway.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The IG lead's audit verification: {@code GET /ig/v1/audit/verify} checks the whole chain and the signed
 * checkpoints and lists every finding. The check itself is audited.
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_IG)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
public class AuditController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IgQueries queries;

    public AuditController(IgQueries queries) {
        this.queries = queries;
    }

    @Operation(summary = "Verify the audit log's hash chain and signed checkpoints", description = "Lists each altered, removed, inserted or reordered record. The check is audited.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.AuditVerification.class)))
    @GetMapping(value = "/ig/v1/audit/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    public String verify() {
        AuditVerifier.Report report = queries.verify();
        ObjectNode answer = JSON.createObjectNode();
        answer.put("intact", report.intact());
        answer.put("records", report.records());
        answer.put("checkpoints", report.checkpoints());
        ArrayNode issues = answer.putArray("issues");
        for (AuditVerifier.Issue issue : report.issues()) {
            issues.addObject().put("type", issue.type()).put("seq", issue.seq()).put("detail", issue.detail());
        }
        return answer.toString();
    }
}
