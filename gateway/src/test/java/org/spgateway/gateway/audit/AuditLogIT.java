package org.spgateway.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit log is tamper-evident: records written by real referrals, then the database edited directly as an
 * attacker with database access would, and the verifier must say exactly what was done. Each test restores the
 * log it damaged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.audit.checkpoint-every=0"})
class AuditLogIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.server.port}")
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.spgateway.gateway.security.Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AuditVerifier verifier;

    @Autowired
    AuditLog audit;

    @BeforeEach
    void someHistory() throws Exception {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        var client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
        for (int i = 0; i < 2; i++) {
            Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
            ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
            client.transaction().withBundle(bundle).execute();
        }
        audit.checkpoint();
        assertThat(verifier.verify().intact()).as("the log before tampering").isTrue();
        jdbc.execute("DROP TABLE IF EXISTS audit_record_backup");
        jdbc.execute("CREATE TABLE audit_record_backup AS SELECT * FROM audit_record");
        head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1");
    }

    private Map<String, Object> head;

    @AfterEach
    void restore() {
        jdbc.execute("DELETE FROM audit_record");
        jdbc.execute("INSERT INTO audit_record SELECT * FROM audit_record_backup");
        long backedUp = jdbc.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM audit_record_backup", Long.class);
        if (backedUp == ((Number) head.get("last_seq")).longValue()) {
            jdbc.update("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", head.get("last_seq"), head.get("last_hash"));
        }
        assertThat(verifier.verify().intact()).as("the log after restoring").isTrue();
    }

    private long disclosureSeq() {
        return jdbc.queryForObject("SELECT MIN(seq) FROM audit_record WHERE event_type = 'disclosure'", Long.class);
    }

    @Test
    void recordsDisclosuresConsentsAndReferralEventsInOneChain() {
        var types = jdbc.queryForList("SELECT DISTINCT event_type FROM audit_record", String.class);
        assertThat(types).contains("disclosure", "consent.recorded", "referral.received", "referral.routed");
        Map<String, Object> disclosure = jdbc.queryForMap("SELECT * FROM audit_record WHERE seq = ?", disclosureSeq());
        assertThat(disclosure.get("recipient_org")).isEqualTo("vcs-leeds-link-workers");
        assertThat((String) disclosure.get("details")).contains("nhs-number").contains("policyVersion");
    }

    @Test
    void anEditedRecordIsNamed() {
        long seq = disclosureSeq();
        jdbc.update("UPDATE audit_record SET recipient_org = 'vcs-walking-group' WHERE seq = ?", seq);
        AuditVerifier.Report report = verifier.verify();
        assertThat(report.intact()).isFalse();
        assertThat(report.issues()).anySatisfy(i -> {
            assertThat(i.type()).isEqualTo("altered");
            assertThat(i.seq()).isEqualTo(seq);
        });
    }

    @Test
    void aDeletedRecordIsNamed() {
        long seq = disclosureSeq();
        jdbc.update("DELETE FROM audit_record WHERE seq = ?", seq);
        assertThat(verifier.verify().issues()).anySatisfy(i -> {
            assertThat(i.type()).isEqualTo("removed");
            assertThat(i.seq()).isEqualTo(seq);
        });
    }

    @Test
    void deletingTheNewestRecordsIsDetected() {
        long last = jdbc.queryForObject("SELECT MAX(seq) FROM audit_record", Long.class);
        jdbc.update("DELETE FROM audit_record WHERE seq >= ?", last - 1);
        assertThat(verifier.verify().issues()).anySatisfy(i -> {
            assertThat(i.type()).isEqualTo("removed");
            assertThat(i.seq()).isEqualTo(last - 1);
        });
    }

    @Test
    void swappedRecordsAreReportedAsReordered() {
        long a = disclosureSeq();
        long b = a + 1;
        jdbc.update("UPDATE audit_record SET seq = -1 WHERE seq = ?", a);
        jdbc.update("UPDATE audit_record SET seq = ? WHERE seq = ?", a, b);
        jdbc.update("UPDATE audit_record SET seq = ? WHERE seq = -1", b);
        assertThat(verifier.verify().issues()).anySatisfy(i -> assertThat(i.type()).isEqualTo("reordered"));
    }

    @Test
    void aRewrittenChainIsCaughtByTheSignedCheckpoint() {
        // the attacker edits a record and recomputes every hash after it: the chain is consistent again, but the
        // head no longer matches what the gateway signed
        long seq = disclosureSeq();
        jdbc.update("UPDATE audit_record SET recipient_org = 'elsewhere' WHERE seq = ?", seq);
        String prev = seq == 1 ? AuditChain.GENESIS : jdbc.queryForObject("SELECT hash FROM audit_record WHERE seq = ?", String.class, seq - 1);
        for (Map<String, Object> r : jdbc.queryForList("SELECT * FROM audit_record WHERE seq >= ? ORDER BY seq", seq)) {
            long s = ((Number) r.get("seq")).longValue();
            java.time.Instant at = jdbc.queryForObject("SELECT recorded_at FROM audit_record WHERE seq = ?",
                    java.sql.Timestamp.class, s).toInstant();
            String hash = AuditChain.hash(s, at, (String) r.get("event_type"),
                    (String) r.get("actor"), (String) r.get("patient_id"), (String) r.get("recipient_org"),
                    (String) r.get("referral_id"), (String) r.get("details"), prev);
            jdbc.update("UPDATE audit_record SET prev_hash = ?, hash = ? WHERE seq = ?", prev, hash, s);
            prev = hash;
        }
        AuditVerifier.Report report = verifier.verify();
        assertThat(report.issues()).extracting(AuditVerifier.Issue::type).contains("checkpoint-mismatch")
                .doesNotContain("altered");
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(org.spgateway.gateway.support.Logins.request(port, path, demo).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void igLeadsFindDisclosuresByNhsNumberOrganisationAndClassExportThemAndGetTheSubjectAccessReport() throws Exception {
        JsonNode byNhs = getJson("/ig/v1/audit?nhsNumber=9000000009&type=disclosure");
        assertThat(byNhs.at("/count").asInt()).isGreaterThanOrEqualTo(2);
        String patient = byNhs.at("/records/0/patientId").asText();
        assertThat(byNhs.at("/records/0/recipientOrg").asText()).isEqualTo("vcs-leeds-link-workers");
        assertThat(getJson("/ig/v1/audit?organisation=vcs-walking-group&type=disclosure").at("/count").asInt()).isZero();
        assertThat(getJson("/ig/v1/audit?patient=" + patient + "&dataClass=nhs-number").at("/count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(getJson("/ig/v1/audit?patient=" + patient + "&dataClass=medications").at("/count").asInt()).isZero();

        HttpResponse<String> csv = HttpClient.newHttpClient().send(org.spgateway.gateway.support.Logins.request(port,
                "/ig/v1/audit.csv?type=disclosure&patient=" + patient, demo).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("seq,recorded_at,event_type");
        assertThat(lines.length - 1).isEqualTo(getJson("/ig/v1/audit?type=disclosure&patient=" + patient).at("/count").asInt());
        assertThat(lines[1]).contains("disclosure", "vcs-leeds-link-workers", "nhs-number");

        JsonNode report = getJson("/ig/v1/patients/" + patient + "/disclosures");
        assertThat(report.at("/organisations")).hasSize(1);
        assertThat(report.at("/organisations/0/name").asText()).isEqualTo("Leeds Social Prescribing Link Workers");
        assertThat(report.at("/organisations/0/allClassesReceived").toString()).contains("nhs-number").doesNotContain("medications");
        assertThat(report.at("/organisations/0/disclosures/0/purpose").asText()).isEqualTo("social-prescribing-referral");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'audit.read'", Integer.class))
                .isGreaterThanOrEqualTo(7);
        keepWhatThisTestAudited();
    }

    @Test
    void theLogIsReadableAsFhirAuditEventsSearchableByPatientEntityAgentAndDate() throws Exception {
        var client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
        String patient = getJson("/ig/v1/audit?nhsNumber=9000000009&type=disclosure").at("/records/0/patientId").asText();
        String referral = getJson("/ig/v1/audit?nhsNumber=9000000009&type=disclosure").at("/records/0/referralId").asText();
        Bundle byPatient = client.search().forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                .where(org.hl7.fhir.r4.model.AuditEvent.PATIENT.hasId("Patient/" + patient)).returnBundle(Bundle.class).execute();
        assertThat(byPatient.getEntry()).isNotEmpty();
        var disclosure = byPatient.getEntry().stream().map(e -> (org.hl7.fhir.r4.model.AuditEvent) e.getResource())
                .filter(e -> e.getType().getCode().equals("110106")).findFirst().orElseThrow();
        assertThat(disclosure.getAgent()).anySatisfy(a ->
                assertThat(a.getWho().getReference()).isEqualTo("Organization/vcs-leeds-link-workers"));
        assertThat(disclosure.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/" + patient));
        Bundle byEntity = client.search().forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                .where(org.hl7.fhir.r4.model.AuditEvent.ENTITY.hasId("ServiceRequest/" + referral)).returnBundle(Bundle.class).execute();
        assertThat(byEntity.getEntry()).allSatisfy(e -> assertThat(((org.hl7.fhir.r4.model.AuditEvent) e.getResource()).getEntity())
                .anySatisfy(x -> assertThat(x.getWhat().getReference()).isEqualTo("ServiceRequest/" + referral)));
        Bundle byAgent = client.search().forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                .where(org.hl7.fhir.r4.model.AuditEvent.AGENT.hasId("Organization/vcs-walking-group")).returnBundle(Bundle.class).execute();
        assertThat(byAgent.getEntry()).isEmpty();
        Bundle future = client.search().forResource(org.hl7.fhir.r4.model.AuditEvent.class)
                .where(org.hl7.fhir.r4.model.AuditEvent.DATE.afterOrEquals().day("2999-01-01")).returnBundle(Bundle.class).execute();
        assertThat(future.getEntry()).isEmpty();
        var read = client.read().resource(org.hl7.fhir.r4.model.AuditEvent.class).withId(disclosure.getIdElement().getIdPart()).execute();
        assertThat(read.getRecorded()).isEqualTo(disclosure.getRecorded());
        keepWhatThisTestAudited();
    }

    /** Tests whose reads were audited keep those records: they are part of the genuine log. */
    private void keepWhatThisTestAudited() {
        jdbc.execute("DELETE FROM audit_record_backup");
        jdbc.execute("INSERT INTO audit_record_backup SELECT * FROM audit_record");
        head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1");
    }

    @Test
    void csvCellsCannotRunAsSpreadsheetFormulas() {
        assertThat(AuditQueryController.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(AuditQueryController.cell("a,b")).isEqualTo("\"a,b\"");
    }

    @Test
    void theVerifyApiReportsIntactAndIsItselfAudited() throws Exception {
        long before = jdbc.queryForObject("SELECT COUNT(*) FROM audit_record", Long.class);
        HttpResponse<String> response = HttpClient.newHttpClient().send(org.spgateway.gateway.support.Logins.request(port, "/ig/v1/audit/verify", demo).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode report = JSON.readTree(response.body());
        assertThat(report.at("/intact").asBoolean()).isTrue();
        assertThat(report.at("/checkpoints").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForList("SELECT event_type FROM audit_record WHERE seq > ?", String.class, before))
                .contains("audit.verified");
        keepWhatThisTestAudited();
    }
}
