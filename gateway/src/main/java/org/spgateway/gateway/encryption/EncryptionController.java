package org.spgateway.gateway.encryption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
class EncryptionController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reencryption reencryption;
    private final ColumnCipher cipher;

    EncryptionController(Reencryption reencryption, ColumnCipher cipher) {
        this.reencryption = reencryption;
        this.cipher = cipher;
    }

    @GetMapping(value = "/operator/encryption", produces = MediaType.APPLICATION_JSON_VALUE)
    String status() {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("activeKey", cipher.activeKeyId());
        cipher.keyIds().forEach(answer.putArray("keys")::add);
        answer.put("running", reencryption.running());
        ObjectNode tables = answer.putObject("rowsByKey");
        long elsewhere = 0;
        for (var table : reencryption.counts().entrySet()) {
            ObjectNode byKey = tables.putObject(table.getKey());
            for (var count : table.getValue().entrySet()) {
                byKey.put(count.getKey(), count.getValue());
                elsewhere += count.getKey().equals(cipher.activeKeyId()) ? 0 : count.getValue();
            }
        }
        answer.put("rowsNotUnderActiveKey", elsewhere);
        Reencryption.Outcome last = reencryption.last();
        if (last != null) {
            ObjectNode pass = answer.putObject("lastPass");
            pass.put("startedAt", last.startedAt().toString());
            pass.put("finishedAt", last.finishedAt().toString());
            last.tables().forEach(p -> pass.putObject(p.table()).put("resealed", p.resealed()).put("unreadable", p.failed()));
            pass.put("patientsReindexed", last.patientsReindexed());
        }
        return answer.toString();
    }

    @PostMapping(value = "/operator/encryption/reencrypt", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> reencrypt() {
        boolean started = reencryption.start(Roles.actor(Roles.OPERATOR, "operator"));
        return ResponseEntity.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                .body(JSON.createObjectNode().put("started", started).put("alreadyRunning", !started).toString());
    }
}
