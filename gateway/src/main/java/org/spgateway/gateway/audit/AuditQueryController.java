package org.spgateway.gateway.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What IG leads ask of the audit log: search it ({@code GET /ig/v1/audit}), export it as CSV
 * ({@code GET /ig/v1/audit.csv}), and the per-patient disclosure report for a subject access request
 * ({@code GET /ig/v1/patients/{id}/disclosures}): every organisation that received data about the patient, which
 * classes, when and why. Every read is itself audited.
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_IG)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
public class AuditQueryController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IgQueries queries;

    public AuditQueryController(IgQueries queries) {
        this.queries = queries;
    }

    @Operation(summary = "Search the audit log", description = "Every criterion is optional; from/to are ISO-8601 instants; type is an audit event type such as disclosure. The read is itself audited.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.AuditPage.class)))
    @ApiResponse(responseCode = "400", description = "A parameter could not be read")
    @GetMapping(value = "/ig/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    public String find(@RequestParam(required = false) String patient, @RequestParam(required = false) String nhsNumber,
                       @RequestParam(required = false) String organisation, @RequestParam(required = false) String dataClass,
                       @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                       @RequestParam(required = false) String type, @RequestParam(defaultValue = "500") int limit) {
        AuditSearch.Criteria criteria = new AuditSearch.Criteria(patient, nhsNumber, organisation, dataClass, from, to, type);
        List<AuditSearch.Found> found = queries.search(criteria, limit, "search");
        ObjectNode answer = JSON.createObjectNode();
        answer.put("count", found.size());
        ArrayNode records = answer.putArray("records");
        for (AuditSearch.Found f : found) {
            ObjectNode r = records.addObject();
            r.put("seq", f.seq());
            r.put("recordedAt", f.recordedAt().toString());
            r.put("eventType", f.eventType());
            r.put("actor", f.actor());
            r.put("patientId", f.patientId());
            r.put("recipientOrg", f.recipientOrg());
            r.put("referralId", f.referralId());
            r.set("details", f.details());
        }
        return answer.toString();
    }

    @Operation(summary = "Export an audit search as CSV (RFC 4180), for a subject access request or a review")
    @ApiResponse(responseCode = "200", description = "One row per record", content = @Content(mediaType = "text/csv", schema = @Schema(type = "string")))
    @GetMapping(value = "/ig/v1/audit.csv", produces = "text/csv")
    public ResponseEntity<String> csv(@RequestParam(required = false) String patient, @RequestParam(required = false) String nhsNumber,
                                      @RequestParam(required = false) String organisation,
                                      @RequestParam(required = false) String dataClass,
                                      @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                                      @RequestParam(required = false) String type) {
        AuditSearch.Criteria criteria = new AuditSearch.Criteria(patient, nhsNumber, organisation, dataClass, from, to, type);
        return ResponseEntity.ok().header("Content-Disposition", "attachment; filename=\"spgateway-audit.csv\"")
                .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
                .body(toCsv(queries.search(criteria, AuditSearch.MAX, "export")));
    }

    /** The export format: one row per record, classes joined with ';'. */
    public static String toCsv(List<AuditSearch.Found> found) {
        StringBuilder csv = new StringBuilder("seq,recorded_at,event_type,actor,patient_id,recipient_org,referral_id,"
                + "classes_sent,classes_withheld,consent_id,policy_version\r\n");
        for (AuditSearch.Found f : found) {
            csv.append(f.seq()).append(',').append(f.recordedAt()).append(',').append(cell(f.eventType())).append(',')
                    .append(cell(f.actor())).append(',').append(cell(f.patientId())).append(',').append(cell(f.recipientOrg()))
                    .append(',').append(cell(f.referralId())).append(',').append(cell(join(f.details().path("classesSent"))))
                    .append(',').append(cell(join(f.details().path("classesWithheld")))).append(',')
                    .append(cell(f.details().path("consentId").asText(""))).append(',')
                    .append(cell(f.details().path("policyVersion").asText(""))).append("\r\n");
        }
        return csv.toString();
    }

    @Operation(summary = "A patient's disclosure report: who received which data classes, when, and why")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.DisclosureReport.class)))
    @GetMapping(value = "/ig/v1/patients/{patientId}/disclosures", produces = MediaType.APPLICATION_JSON_VALUE)
    public String subjectAccessReport(@PathVariable String patientId) {
        return queries.subjectAccessReport(patientId).toString();
    }

    private static String join(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return String.join(";", values);
    }

    /** RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value.matches("^[=+\\-@].*") ? "'" + value : value;
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
