package org.spgateway.gateway.operator;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.spgateway.gateway.security.Roles;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An online backup of the embedded database for operators: {@code POST /operator/backup} writes a consistent copy
 * (H2's {@code BACKUP TO}, taken while the gateway keeps working) to
 * {@code <data-dir>/backups/spgateway-<UTC time>.zip} and answers its path, size and the audit log's head at that
 * moment, so a restore can be checked against it. Keys and secrets are not in it: they are backed up apart from the
 * data (docs/operations.md). On PostgreSQL the answer is 409: use PostgreSQL's own tools. Each backup is audited.
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_OPERATOR)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
public class BackupController {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final AuditLog audit;
    private final Clock clock;
    private final Path backups;

    public BackupController(JdbcTemplate jdbc, AuditLog audit, Clock clock, @Value("${spgateway.data-dir:./data}") String dataDir) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
        this.backups = Path.of(dataDir, "backups").toAbsolutePath().normalize();
    }

    @Operation(summary = "Online backup of the embedded H2 database", description = "A consistent zip under <data-dir>/backups, and the audit log's head at that moment. Keys are not in it. Audited.")
    @ApiResponse(responseCode = "200", description = "OK", content = @Content(schema = @Schema(implementation = ApiModels.Backup.class)))
    @ApiResponse(responseCode = "409", description = "Not the embedded database: use PostgreSQL's own tools")
    @PostMapping(value = "/operator/backup", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> backup() throws IOException {
        String product = jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
        if (!"H2".equalsIgnoreCase(product)) {
            return Problem.of(HttpStatus.CONFLICT, "backup-not-embedded", "Back up with the database's own tools",
                    "This gateway runs on " + product + ": back it up with its own tools (pg_dump or continuous"
                            + " archiving); see docs/operations.md").toResponse();
        }
        Files.createDirectories(backups);
        Path file = backups.resolve("spgateway-" + NAME.format(clock.instant()) + ".zip");
        for (int n = 2; Files.exists(file); n++) {
            file = backups.resolve("spgateway-" + NAME.format(clock.instant()) + "-" + n + ".zip");
        }
        // the name is ours (digits, letters, '-', the data directory's path): no quote can reach the statement
        if (file.toString().contains("'")) {
            return Problem.of(HttpStatus.CONFLICT, "backup-path", "Unusable backup path",
                    "The data directory's path contains a quote; set spgateway.data-dir to a path without one").toResponse();
        }
        // the head first: everything up to it is in the copy (the copy is taken after, and the log only grows)
        ObjectNode head = JSON.createObjectNode();
        jdbc.query("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1", rs -> {
            head.put("seq", rs.getLong(1));
            head.put("hash", rs.getString(2));
        });
        jdbc.execute("BACKUP TO '" + file + "'");
        ObjectNode answer = JSON.createObjectNode();
        answer.put("file", file.toString());
        answer.put("bytes", Files.size(file));
        answer.set("auditHead", head);
        ObjectNode details = JSON.createObjectNode();
        details.put("file", file.getFileName().toString());
        details.put("bytes", Files.size(file));
        audit.appendAlone(new AuditEntry("backup.created", Roles.actor(Roles.OPERATOR, "operator"), null, null, null, details));
        return ResponseEntity.ok(answer.toString());
    }
}
