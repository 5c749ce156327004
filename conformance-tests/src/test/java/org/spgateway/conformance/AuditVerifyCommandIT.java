package org.spgateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * The command-line audit verification an IG lead can run without a live gateway: intact after real traffic, and
 * naming the record after the database file was edited directly.
 */
class AuditVerifyCommandIT {

    @Test
    void verifiesTheLogFromTheCommandLineAndCatchesADirectEdit() throws Exception {
        Path dataDir;
        try (GatewayProcess gateway = GatewayProcess.start()) {
            dataDir = gateway.dataDir();
            GpSystem gp = new GpSystem(gateway);
            Bundle bundle = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
            ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
            assertThat(gp.postTransaction(bundle).statusCode()).isEqualTo(200);
        }

        GatewayProcess.CommandResult intact = GatewayProcess.runCommand(dataDir, "--verify-audit");
        assertThat(intact.exitCode()).as(intact.output()).isZero();
        assertThat(intact.output()).contains("AUDIT LOG INTACT");

        long seq;
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir + "/spgateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
             Statement sql = db.createStatement()) {
            try (ResultSet rs = sql.executeQuery("SELECT MIN(seq) FROM audit_record WHERE event_type = 'disclosure'")) {
                rs.next();
                seq = rs.getLong(1);
            }
            sql.executeUpdate("UPDATE audit_record SET recipient_org = 'someone-else' WHERE seq = " + seq);
        }

        GatewayProcess.CommandResult tampered = GatewayProcess.runCommand(dataDir, "--verify-audit");
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.output()).contains("AUDIT LOG NOT INTACT").contains("altered at record " + seq);
    }
}
