package org.spgateway.gateway.apidocs;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The shapes of the JSON APIs' answers, for the OpenAPI document: each controller names the record it writes in its
 * {@code @ApiResponse}. {@code @NotNull} marks a field that is always present; any other field may be absent or
 * null. {@code ApiDocsIT} checks real answers against the schemas generated from these records, with no field left
 * undocumented.
 */
public final class ApiModels {

    private ApiModels() {
    }

    /** A component schema defined by {@link ApiDocsConfig} rather than generated from a record. */
    static final String EVENT_SENT = "#/components/schemas/GatewayEvent";

    @Schema(name = "Problem", description = "RFC 9457 problem details: type is stable per kind of problem, detail says what to fix")
    public record Problem(@NotNull @Schema(example = "https://spgateway.org/problems/invalid-event") String type,
                          @NotNull String title, @NotNull int status, @NotNull String detail,
                          @Schema(description = "field-level problems, each starting with the JSON path of the field")
                          List<String> errors) {
    }

    @Schema(name = "EventApplied", description = "What the gateway did with a VCS event")
    public record EventApplied(@NotNull String referralId,
                               @NotNull @Schema(description = "the FHIR Task.status now", example = "accepted") String taskStatus,
                               @Schema(description = "the project's business status code now", example = "accepted") String businessStatus,
                               @NotNull @Schema(description = "true when this webhook-id was applied before: nothing changed")
                               boolean duplicate) {
    }

    @Schema(name = "SchemaIndex")
    public record SchemaIndex(@NotNull List<SchemaLink> schemas) {
    }

    @Schema(name = "SchemaLink")
    public record SchemaLink(@NotNull @Schema(example = "referral.accepted") String event,
                             @NotNull @Schema(example = "/vcs/v1/schemas/referral.accepted.schema.json") String href) {
    }

    @Schema(name = "InboxPage", description = "A pull-mode service's pending messages, oldest first")
    public record InboxPage(@NotNull List<InboxMessage> messages) {
    }

    @Schema(name = "InboxMessage")
    public record InboxMessage(@NotNull @Schema(description = "the webhook-id a push delivery would carry") String messageId,
                               @NotNull @Schema(example = "referral.created") String type,
                               @NotNull String referralId, @NotNull Instant createdAt,
                               @NotNull @Schema(ref = EVENT_SENT) Object payload) {
    }

    @Schema(name = "Acknowledged")
    public record Acknowledged(@NotNull String messageId, @NotNull @Schema(allowableValues = "acknowledged") String status) {
    }

    @Schema(name = "AuditPage")
    public record AuditPage(@NotNull int count, @NotNull List<AuditRecord> records) {
    }

    @Schema(name = "AuditRecord", description = "One record of the tamper-evident audit log")
    public record AuditRecord(@NotNull long seq, @NotNull Instant recordedAt,
                              @NotNull @Schema(example = "disclosure") String eventType,
                              @NotNull @Schema(example = "system") String actor, String patientId, String recipientOrg,
                              String referralId,
                              @NotNull @Schema(description = "what happened; for a disclosure the classes sent and withheld,"
                                      + " the consent and policy version") Map<String, Object> details) {
    }

    @Schema(name = "DisclosureReport", description = "A patient's disclosure report (subject access request)")
    public record DisclosureReport(@NotNull String patientId, @NotNull Instant generatedAt,
                                   @NotNull List<OrganisationDisclosures> organisations) {
    }

    @Schema(name = "OrganisationDisclosures")
    public record OrganisationDisclosures(@NotNull String organisation, String name, String role,
                                          @NotNull List<Disclosure> disclosures, @NotNull List<String> allClassesReceived) {
    }

    @Schema(name = "Disclosure")
    public record Disclosure(@NotNull Instant when, @NotNull String referralId, @NotNull String purpose, String consentId,
                             @NotNull String policyVersion, @NotNull String messageId, @NotNull List<String> classesSent) {
    }

    @Schema(name = "AuditVerification")
    public record AuditVerification(@NotNull boolean intact, @NotNull long records, @NotNull int checkpoints,
                                    @NotNull List<AuditIssue> issues) {
    }

    @Schema(name = "AuditIssue")
    public record AuditIssue(@NotNull @Schema(allowableValues = {"altered", "removed", "inserted", "reordered", "checkpoint-mismatch", "checkpoint-forged"})
                             String type, @NotNull long seq, @NotNull String detail) {
    }

    @Schema(name = "DryRun", description = "What an organisation would receive for a referral, class by class, and why")
    public record DryRun(@NotNull String referralId, @NotNull String organisation, @NotNull String organisationName,
                         @NotNull String role, @NotNull String policyVersion, @NotNull String consentState, String consentId,
                         String consentVersion, @NotNull boolean wouldBeHeldAwaitingConsent,
                         @NotNull List<ClassDecision> classes, @NotNull List<String> fieldsSent,
                         @NotNull List<String> fieldsWithheld,
                         @Schema(description = "the redacted referral.created payload; null when it would be held",
                                 ref = "#/components/schemas/referral.created") Object payload) {
    }

    @Schema(name = "ClassDecision")
    public record ClassDecision(@NotNull String dataClass, @NotNull String label,
                                @NotNull @Schema(allowableValues = {"permit", "deny"}) String decision,
                                @NotNull String reason, String policyRule, String consent) {
    }

    @Schema(name = "DeadLetters")
    public record DeadLetters(@NotNull List<DeadLetter> deadLetters) {
    }

    @Schema(name = "DeadLetter", description = "A message given up on; never its payload")
    public record DeadLetter(@NotNull String messageId,
                             @NotNull @Schema(allowableValues = {"vcs-webhook", "vcs-inbox", "gp-push"}) String channel,
                             @NotNull String destination, @NotNull String referralId, @NotNull String eventType,
                             @NotNull int attempts, Integer lastHttpStatus, String lastError, @NotNull Instant createdAt) {
    }

    @Schema(name = "Replayed")
    public record Replayed(@NotNull String messageId, @NotNull @Schema(allowableValues = "pending") String status) {
    }

    @Schema(name = "EndpointEnabled")
    public record EndpointEnabled(@NotNull String destination, @NotNull boolean disabled) {
    }

    @Schema(name = "Backup")
    public record Backup(@NotNull String file, @NotNull long bytes, @NotNull AuditHead auditHead) {
    }

    @Schema(name = "AuditHead", description = "The audit log's last record at backup time")
    public record AuditHead(long seq, String hash) {
    }

    @Schema(name = "EncryptionStatus", description = "Encryption at rest: the keys, and which key each sealed table's rows are under")
    public record EncryptionStatus(@NotNull String activeKey, @NotNull List<String> keys, @NotNull boolean running,
                                   @NotNull @Schema(description = "rows per sealed table and key id; key id 'none': stored before encryption")
                                   List<SealedRows> rows,
                                   @NotNull @Schema(description = "when 0, keys other than the active one may be removed")
                                   long rowsNotUnderActiveKey,
                                   @Schema(description = "the last re-encryption pass of this node, if any") ReencryptionPass lastPass) {
    }

    @Schema(name = "SealedRows")
    public record SealedRows(@NotNull String table, @NotNull String keyId, @NotNull long rows) {
    }

    @Schema(name = "ReencryptionPass")
    public record ReencryptionPass(@NotNull Instant startedAt, @NotNull Instant finishedAt, @NotNull List<ResealedTable> tables,
                                   @NotNull int patientsReindexed) {
    }

    @Schema(name = "ResealedTable")
    public record ResealedTable(@NotNull String table, @NotNull int resealed, @NotNull int unreadable) {
    }

    @Schema(name = "ReencryptionStarted")
    public record ReencryptionStarted(@NotNull boolean started, @NotNull boolean alreadyRunning) {
    }
}
