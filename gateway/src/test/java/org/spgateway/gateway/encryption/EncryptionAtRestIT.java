package org.spgateway.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.store.ResourceCodec;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.store.ResourceWriteListener;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.support.Logins;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Encryption at rest, on the embedded default and on PostgreSQL: after a referral with a full set of patient details,
 * no table (and, on H2, no byte of the database file) holds any of them in the clear, while the gateway still shows
 * them, finds the patient by NHS number and delivers them; a sealed row copied over another is refused; and a key
 * rotation, including the upgrade of rows stored before encryption, moves every row to the new key, after which the
 * old key can be removed and a node with the wrong keys refuses to start.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EncryptionAtRestIT {

    /** One directory for the whole context (a ${random.uuid} in the property would differ at each lookup). */
    private static final String DATA_DIR = "./target/it-data/" + UUID.randomUUID();

    @org.springframework.test.context.DynamicPropertySource
    static void dataDir(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("spgateway.data-dir", () -> DATA_DIR);
    }

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    /** Every patient detail of docs/examples/referral-bundle.json that must never be stored in the clear. */
    private static final List<String> PATIENT_DATA = List.of("9000000009", "Margaret", "Peggy", "07700 900123",
            "peggy.smith@example.org", "LS6 2AB", "12 Elm Street", "1948-03-14", "Recently bereaved",
            "What matters to me", "Feels lonely since bereavement");

    @Value("${local.server.port}")
    int port;

    private final String dataDir = DATA_DIR;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ColumnCipher cipher;

    @Autowired
    ResourceRepository resources;

    @Autowired
    OutboxStore outbox;

    @Autowired
    ResourceCodec codec;

    @Autowired
    AuditLog audit;

    @Autowired
    Clock clock;

    @Autowired
    ObjectProvider<ResourceWriteListener> listeners;

    @Autowired
    Accounts.DemoAccounts demo;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> fhir(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = SmartClient.testGp(port).authorize(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/fhir" + path))).header("Accept", "application/fhir+json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts the documented example referral under a new referral id; answers the transaction response. */
    private Bundle referral(String referralId) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class,
                Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue(referralId);
        HttpResponse<String> response = fhir("POST", "", CTX.newJsonParser().encodeResourceToString(bundle));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CTX.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private String patientCreated(String family) throws Exception {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(NHS).setValue("9876543210");
        patient.addName().setFamily(family).addGiven("Test");
        HttpResponse<String> created = fhir("POST", "/Patient", CTX.newJsonParser().encodeResourceToString(patient));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return CTX.newJsonParser().parseResource(Patient.class, created.body()).getIdElement().getIdPart();
    }

    /** Every value of every column of every table, as text. */
    private List<String> everyStoredValue() {
        List<String> tables = jdbc.queryForList("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_type IN ('BASE TABLE', 'TABLE')", String.class);
        assertThat(tables).as("the store's tables").contains("fhir_resource", "outbox_message", "audit_record");
        List<String> values = new ArrayList<>();
        for (String table : tables) {
            jdbc.query("SELECT * FROM " + table, rs -> {
                for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                    Object value = rs.getObject(c);
                    if (value != null) {
                        values.add(table + "." + rs.getMetaData().getColumnName(c) + "=" + value);
                    }
                }
            });
        }
        return values;
    }

    @Test
    void noPatientDetailIsStoredInTheClearYetTheGatewayShowsFindsAndDeliversThem() throws Exception {
        String referralId = "REF-" + UUID.randomUUID();
        Bundle response = referral(referralId);
        String patientId = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
        String serviceRequestId = response.getEntry().get(5).getResponse().getLocation().split("/")[1];

        List<String> stored = everyStoredValue();
        assertThat(stored).as("the scan reads what is stored in the clear (the referral's own id is not patient data)")
                .anyMatch(v -> v.contains(referralId));
        for (String detail : PATIENT_DATA) {
            assertThat(stored).as("no table holds '%s' in the clear", detail).noneMatch(v -> v.contains(detail));
        }
        assertThat(jdbc.queryForObject("SELECT content FROM fhir_resource WHERE resource_type = 'Patient' AND resource_id = ?",
                String.class, patientId)).matches("ENC[12]:" + java.util.regex.Pattern.quote(cipher.activeKeyId()) + ":.+");

        String product = jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<String>)
                c -> c.getMetaData().getDatabaseProductName());
        if ("H2".equals(product)) {
            // the file itself, as a thief with a copy of the data directory would read it
            jdbc.execute("CHECKPOINT SYNC");
            byte[] file = Files.readAllBytes(Path.of(dataDir, "spgateway.mv.db"));
            String raw = new String(file, StandardCharsets.ISO_8859_1);
            assertThat(raw).as("the file scan sees data stored in the clear").contains(referralId);
            for (String detail : PATIENT_DATA) {
                assertThat(raw).as("the database file holds no '%s'", detail).doesNotContain(detail);
            }
        }

        // the gateway still has it all: read, search by NHS number, the IG's search, the outbound message
        HttpResponse<String> read = fhir("GET", "/Patient/" + patientId, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(CTX.newJsonParser().parseResource(Patient.class, read.body()).getNameFirstRep().getGivenAsSingleString())
                .isEqualTo("Margaret");
        HttpResponse<String> search = fhir("GET", "/Patient?identifier=" + NHS + "%7C9000000009", null);
        assertThat(CTX.newJsonParser().parseResource(Bundle.class, search.body()).getEntry())
                .extracting(e -> e.getResource().getIdElement().getIdPart()).contains(patientId);
        HttpResponse<String> ig = http.send(Logins.request(port, "/ig/v1/audit?nhsNumber=9000000009&type=disclosure", demo)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ig.statusCode()).as(ig.body()).isEqualTo(200);
        assertThat(ig.body()).contains(serviceRequestId);
        OutboxStore.Stored message = jdbc.queryForList("SELECT message_id FROM outbox_message WHERE referral_id = ?",
                String.class, serviceRequestId).stream().map(id -> outbox.find(id).orElseThrow()).findFirst().orElseThrow();
        assertThat(message.payload()).contains("Margaret", "9000000009");
        // and a retried Bundle still replays its recorded (sealed) answer
        Bundle again = referral(referralId);
        assertThat(again.getEntry().get(5).getResponse().getLocation()).isEqualTo(response.getEntry().get(5).getResponse().getLocation());
    }

    @Test
    void aSealedRowCopiedOverAnotherPatientsIsRefusedRatherThanShownAsThatPatient() throws Exception {
        String a = patientCreated("Aardvark");
        String b = patientCreated("Bumblebee");
        String bContent = jdbc.queryForObject("SELECT content FROM fhir_resource WHERE resource_type = 'Patient'"
                + " AND resource_id = ?", String.class, b);
        jdbc.update("UPDATE fhir_resource SET content = (SELECT content FROM fhir_resource WHERE resource_type = 'Patient'"
                + " AND resource_id = ?) WHERE resource_type = 'Patient' AND resource_id = ?", a, b);
        try {
            HttpResponse<String> read = fhir("GET", "/Patient/" + b, null);
            assertThat(read.statusCode()).isEqualTo(500);
            assertThat(read.body()).contains("OperationOutcome").doesNotContain("Aardvark", "Bumblebee", "ENC1");
        } finally {
            jdbc.update("UPDATE fhir_resource SET content = ? WHERE resource_type = 'Patient' AND resource_id = ?", bContent, b);
        }
        assertThat(fhir("GET", "/Patient/" + b, null).body()).contains("Bumblebee");
    }

    @Test
    void aRotationMovesEveryRowAndRowsFromBeforeEncryptionToTheNewKeyAfterWhichTheOldOneCanGo() throws Exception {
        referral("REF-" + UUID.randomUUID());
        // a patient as a release without encryption stored it: content and index in the clear
        String legacy = patientCreated("Legacy");
        String clear = resources.current("Patient", legacy).orElseThrow().json();
        jdbc.update("UPDATE fhir_resource SET content = ?, key_id = NULL WHERE resource_type = 'Patient' AND resource_id = ?",
                clear, legacy);
        jdbc.update("UPDATE fhir_resource_version SET content = ?, key_id = NULL WHERE resource_type = 'Patient'"
                + " AND resource_id = ?", clear, legacy);
        jdbc.update("UPDATE fhir_search_index SET value_code = '9876543210' WHERE resource_type = 'Patient'"
                + " AND resource_id = ? AND param_name = 'identifier'", legacy);
        assertThat(fhir("GET", "/Patient/" + legacy, null).body()).as("rows from before encryption are read").contains("Legacy");
        assertThat(resources.idsByIdentifier("Patient", NHS, "9876543210")).contains(legacy);

        String local = Files.readString(Path.of(dataDir, "encryption.key")).trim();
        Map<String, String> both = new LinkedHashMap<>();
        both.put("local", local);
        both.put("k2", ColumnCipherTest.newKey());
        ColumnCipher rotated = ColumnCipherTest.cipher("k2", both);
        new KeyCheck(jdbc, rotated, new SealedColumns(jdbc, rotated), clock).afterPropertiesSet();
        try {
            Reencryption.Outcome outcome = reencryption(rotated).run("test");
            assertThat(outcome.tables()).allSatisfy(p -> assertThat(p.failed()).isZero());
            assertThat(outcome.tables().stream().mapToInt(SealedColumns.Pass::resealed).sum()).isPositive();
            assertThat(outcome.patientsReindexed()).isPositive();
            Map<String, Map<String, Long>> counts = new SealedColumns(jdbc, rotated).countsByKey();
            assertThat(counts.values()).as("every sealed row under k2: %s", counts)
                    .allSatisfy(byKey -> assertThat(byKey.keySet()).isSubsetOf("k2"));
            assertThat(counts.get("fhir_resource").get("k2")).isPositive();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fhir_search_index WHERE resource_type = 'Patient'"
                    + " AND param_name = 'identifier' AND value_code NOT LIKE 'bi1:k2:%'", Integer.class)).isZero();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'encryption.reencrypted'"
                    + " AND actor = 'test'", Integer.class)).isEqualTo(1);

            // the old key is no longer needed: a node with only k2 reads and finds everything
            ColumnCipher onlyNew = ColumnCipherTest.cipher(null, Map.of("k2", both.get("k2")));
            new KeyCheck(jdbc, onlyNew, new SealedColumns(jdbc, onlyNew), clock).afterPropertiesSet();
            ResourceRepository newNode = new ResourceRepository(jdbc, onlyNew);
            assertThat(codec.decode(newNode.current("Patient", legacy).orElseThrow(), Patient.class).getNameFirstRep()
                    .getFamily()).isEqualTo("Legacy");
            assertThat(newNode.idsByIdentifier("Patient", NHS, "9876543210")).contains(legacy);
            assertThat(newNode.idsByIdentifier("Patient", NHS, "9000000009")).isNotEmpty();

            // nodes with the wrong keys refuse to start, naming the key
            ColumnCipher oldOnly = ColumnCipherTest.cipher(null, Map.of("local", local));
            assertThatThrownBy(() -> new KeyCheck(jdbc, oldOnly, new SealedColumns(jdbc, oldOnly), clock).afterPropertiesSet())
                    .hasMessageContaining("sealed under encryption key 'k2', which this node does not hold");
            ColumnCipher impostor = ColumnCipherTest.cipher(null, Map.of("k2", ColumnCipherTest.newKey()));
            assertThatThrownBy(() -> new KeyCheck(jdbc, impostor, new SealedColumns(jdbc, impostor), clock).afterPropertiesSet())
                    .hasMessageContaining("the key with id 'k2' is not the key this database's data was sealed with");
        } finally {
            // back to the running gateway's key
            Map<String, String> back = new LinkedHashMap<>(both);
            ColumnCipher restore = ColumnCipherTest.cipher("local", back);
            reencryption(restore).run("test-restore");
        }
        assertThat(new SealedColumns(jdbc, cipher).inUse("k2")).isFalse();
        assertThat(fhir("GET", "/Patient/" + legacy, null).body()).contains("Legacy");
    }

    @Test
    void operatorsSeeWhichKeyTheRowsAreUnderAndCanStartAPass() throws Exception {
        referral("REF-" + UUID.randomUUID());
        HttpResponse<String> status = http.send(Logins.request(port, "/operator/encryption", demo).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(status.body());
        assertThat(body.path("activeKey").asText()).isEqualTo("local");
        boolean sealedResources = false;
        for (JsonNode row : body.path("rows")) {
            sealedResources |= row.path("table").asText().equals("fhir_resource") && row.path("keyId").asText().equals("local")
                    && row.path("rows").asLong() > 0;
        }
        assertThat(sealedResources).as("fhir_resource rows under the local key in %s", body).isTrue();
        assertThat(body.path("rowsNotUnderActiveKey").asLong()).isZero();
        HttpResponse<String> start = http.send(Logins.request(port, "/operator/encryption/reencrypt", demo)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(202);
        HttpResponse<String> igLead = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/operator/encryption"))
                .header("Authorization", Logins.basic("ig-lead", demo.passwords().get("ig-lead"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(igLead.statusCode()).isEqualTo(403);
    }

    private Reencryption reencryption(ColumnCipher with) {
        ResourceWriteService writes = new ResourceWriteService(transactions, new ResourceRepository(jdbc, with), codec,
                listeners, clock);
        return new Reencryption(new SealedColumns(jdbc, with), writes, with, audit, clock,
                new EncryptionProperties(Map.of(), null, true, 7));
    }
}
