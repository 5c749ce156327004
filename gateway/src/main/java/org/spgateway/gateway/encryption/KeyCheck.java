package org.spgateway.gateway.encryption;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a node whose keys do not match the database: a key id whose key differs from the one the data was
 * sealed with under that id (another node generated or was given its own), or data sealed under a key this node does
 * not hold. Without the check such a node would start, write rows the other nodes cannot open, and fail on theirs.
 * The active key is recorded in {@code encryption_key} the first time a node seals with it.
 */
@Component
class KeyCheck implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(KeyCheck.class);

    private final JdbcTemplate jdbc;
    private final ColumnCipher cipher;
    private final SealedColumns columns;
    private final Clock clock;

    KeyCheck(JdbcTemplate jdbc, ColumnCipher cipher, SealedColumns columns, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.columns = columns;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        for (String id : cipher.keyIds()) {
            Optional<String> recorded = recorded(id);
            if (recorded.isEmpty() && id.equals(cipher.activeKeyId())) {
                try {
                    jdbc.update("INSERT INTO encryption_key (key_id, check_value, first_used_at) VALUES (?, ?, ?)",
                            id, cipher.checkValue(id), Timestamp.from(clock.instant()));
                    continue;
                } catch (DuplicateKeyException anotherNodeFirst) {
                    recorded = recorded(id);
                }
            }
            if (recorded.isPresent() && !recorded.get().equals(cipher.checkValue(id))) {
                throw new IllegalStateException("spgateway.encryption.keys: the key with id '" + id + "' is not the key"
                        + " this database's data was sealed with under that id. Give every node the same keys"
                        + (ColumnCipher.GENERATED_KEY_ID.equals(id) ? " (this node generated its own: set"
                        + " spgateway.encryption.keys on every node sharing the database)" : "")
                        + "; see docs/security.md#encryption-at-rest");
            }
        }
        List<String> others = jdbc.queryForList("SELECT key_id FROM encryption_key ORDER BY first_used_at", String.class);
        for (String id : others) {
            if (!cipher.keyIds().contains(id) && columns.inUse(id)) {
                throw new IllegalStateException("Data in this database is sealed under encryption key '" + id
                        + "', which this node does not hold: add it to spgateway.encryption.keys (every node needs the"
                        + " same keys; a key may only be removed once /operator/encryption shows no row under it)");
            }
        }
        log.info("Encryption at rest: active key '{}', keys held {}", cipher.activeKeyId(), cipher.keyIds());
    }

    private Optional<String> recorded(String id) {
        return jdbc.queryForList("SELECT check_value FROM encryption_key WHERE key_id = ?", String.class, id)
                .stream().findFirst();
    }
}
