package org.spgateway.gateway.encryption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.spgateway.gateway.apidocs.ApiDocsConfig;
import org.spgateway.gateway.apidocs.ApiModels;
import org.spgateway.gateway.security.Roles;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Encryption at rest for operators ({@code OPERATOR} role): {@code GET /operator/encryption} shows the active key, the
 * keys this node holds and how many rows of each sealed table are under which key ({@code none}: from before
 * encryption), so an operator knows when an old key may be removed; {@code POST /operator/encryption/reencrypt} starts a
 * re-encryption pass now (one also runs after every start).
 */
@RestController
@Tag(name = ApiDocsConfig.TAG_OPERATOR)
@SecurityRequirement(name = ApiDocsConfig.LOGIN)
class EncryptionController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reencryption reencryption;
    private final ColumnCipher cipher;

    EncryptionController(Reencryption reencryption, ColumnCipher cipher) {
        this.reencryption = reencryption;
        this.cipher = cipher;
    }

    @Operation(summary = "Encryption at rest: keys and rows per key",
            description = "The active key, the keys this node holds, and the rows of each sealed table per key id"
                    + " ('none': stored before encryption). When rowsNotUnderActiveKey is 0, the other keys may be removed.")
    @ApiResponse(responseCode = "200", description = "OK",
            content = @Content(schema = @Schema(implementation = ApiModels.EncryptionStatus.class)))
    @GetMapping(value = "/operator/encryption", produces = MediaType.APPLICATION_JSON_VALUE)
    String status() {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("activeKey", cipher.activeKeyId());
        cipher.keyIds().forEach(answer.putArray("keys")::add);
        answer.put("running", reencryption.running());
        ArrayNode rows = answer.putArray("rows");
        long elsewhere = 0;
        for (var table : reencryption.counts().entrySet()) {
            for (var count : table.getValue().entrySet()) {
                rows.addObject().put("table", table.getKey()).put("keyId", count.getKey()).put("rows", count.getValue());
                elsewhere += count.getKey().equals(cipher.activeKeyId()) ? 0 : count.getValue();
            }
        }
        answer.put("rowsNotUnderActiveKey", elsewhere);
        Reencryption.Outcome last = reencryption.last();
        if (last != null) {
            ObjectNode pass = answer.putObject("lastPass");
            pass.put("startedAt", last.startedAt().toString());
            pass.put("finishedAt", last.finishedAt().toString());
            ArrayNode tables = pass.putArray("tables");
            last.tables().forEach(p -> tables.addObject().put("table", p.table()).put("resealed", p.resealed())
                    .put("unreadable", p.failed()));
            pass.put("patientsReindexed", last.patientsReindexed());
        }
        return answer.toString();
    }

    @Operation(summary = "Start a re-encryption pass now",
            description = "Re-seals every row not under the active key, in the background (one also runs after every"
                    + " start). Audited as encryption.reencrypted when it changes anything.")
    @ApiResponse(responseCode = "202", description = "Started, or already running",
            content = @Content(schema = @Schema(implementation = ApiModels.ReencryptionStarted.class)))
    @PostMapping(value = "/operator/encryption/reencrypt", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> reencrypt() {
        boolean started = reencryption.start(Roles.actor(Roles.OPERATOR, "operator"));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                .body(JSON.createObjectNode().put("started", started).put("alreadyRunning", !started).toString());
    }
}
