package org.spgateway.gateway.encryption;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.store.ResourceRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The sealed columns of the database, as the key check and the re-encryption see them: which key each row is under,
 * and the re-sealing of rows under another key (or stored before encryption) with the active one.
 */
@Component
class SealedColumns {

    private static final Logger log = LoggerFactory.getLogger(SealedColumns.class);

    /** How a row's associated data is built from its key columns. */
    private interface Context {
        String of(ResultSet rs) throws SQLException;
    }

    /** One sealed column; {@code keys} identify its row and build its associated data. */
    private record Column(String table, String column, List<String> keys, Context context) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("fhir_resource", "content", List.of("resource_type", "resource_id", "version_id"),
                    rs -> ResourceRepository.contentContext(rs.getString(1), rs.getString(2), rs.getLong(3))),
            new Column("fhir_resource_version", "content", List.of("resource_type", "resource_id", "version_id"),
                    rs -> ResourceRepository.contentContext(rs.getString(1), rs.getString(2), rs.getLong(3))),
            new Column("fhir_transaction_record", "response", List.of("service_request_id"),
                    rs -> ResourceRepository.transactionContext(rs.getString(1))),
            new Column("outbox_message", "payload", List.of("message_id"),
                    rs -> OutboxStore.payloadContext(rs.getString(1))));

    /** The outcome of re-sealing one table's rows. */
    record Pass(String table, int resealed, int failed) {
    }

    private final JdbcTemplate jdbc;
    private final ColumnCipher cipher;

    SealedColumns(JdbcTemplate jdbc, ColumnCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /** Whether any row is still sealed under the key (or its blind tokens still use it). */
    boolean inUse(String keyId) {
        for (Column c : COLUMNS) {
            if (!jdbc.queryForList("SELECT 1 FROM " + c.table() + " WHERE key_id = ? LIMIT 1", Integer.class, keyId).isEmpty()) {
                return true;
            }
        }
        String prefix = ColumnCipher.TOKEN_PREFIX + keyId + ":";
        // a range on ix_search_value's first column alone: only blind-indexed rows (Patient identifiers) hold tokens, and
        // naming the type as well made H2 walk every Patient row instead
        return !jdbc.queryForList("SELECT 1 FROM fhir_search_index WHERE value_code >= ? AND value_code < ? LIMIT 1",
                Integer.class, prefix,
                prefix.substring(0, prefix.length() - 1) + ";").isEmpty();
    }

    /** Rows per table and key id ({@code none}: stored before encryption, in the clear). */
    Map<String, Map<String, Long>> countsByKey() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            Map<String, Long> byKey = new LinkedHashMap<>();
            jdbc.query("SELECT key_id, COUNT(*) FROM " + c.table() + " GROUP BY key_id ORDER BY key_id", rs -> {
                byKey.put(rs.getString(1) == null ? "none" : rs.getString(1), rs.getLong(2));
            });
            counts.put(c.table(), byKey);
        }
        return counts;
    }

    /**
     * Re-seals every row not under the active key, {@code batch} rows per statement and transaction (each row's
     * update is conditional on its value being unchanged, so a concurrent write, which seals with the active key
     * itself, is never overwritten). Rows that cannot be opened are left as they are and counted.
     */
    List<Pass> resealAll(int batch) {
        List<Pass> passes = new ArrayList<>();
        for (Column c : COLUMNS) {
            passes.add(reseal(c, batch));
        }
        return passes;
    }

    private Pass reseal(Column c, int batch) {
        String keys = String.join(", ", c.keys());
        String marks = String.join(", ", java.util.Collections.nCopies(c.keys().size(), "?"));
        String select = "SELECT " + keys + ", " + c.column() + " FROM " + c.table()
                + " WHERE (key_id IS NULL OR key_id < ? OR key_id > ?) AND (" + keys + ") > (" + marks + ")"
                + " ORDER BY " + keys + " LIMIT ?";
        String first = "SELECT " + keys + ", " + c.column() + " FROM " + c.table()
                + " WHERE (key_id IS NULL OR key_id < ? OR key_id > ?) ORDER BY " + keys + " LIMIT ?";
        String update = "UPDATE " + c.table() + " SET " + c.column() + " = ?, key_id = ? WHERE "
                + String.join(" AND ", c.keys().stream().map(k -> k + " = ?").toList()) + " AND " + c.column() + " = ?";
        int resealed = 0;
        int failed = 0;
        Object[] after = null; // keyset paging: each row is visited once, even one that cannot be opened
        while (true) {
            String active = cipher.activeKeyId();
            List<Object[]> updates = new ArrayList<>();
            int[] seen = {0, 0};
            Object[][] last = {null};
            List<Object> args = new ArrayList<>(List.of(active, active));
            if (after != null) {
                args.addAll(List.of(after));
            }
            args.add(batch);
            jdbc.query(after == null ? first : select, rs -> {
                seen[0]++;
                Object[] rowKeys = new Object[c.keys().size()];
                for (int k = 0; k < rowKeys.length; k++) {
                    rowKeys[k] = rs.getObject(k + 1);
                }
                last[0] = rowKeys;
                String stored = rs.getString(rowKeys.length + 1);
                String sealed;
                try {
                    String context = c.context().of(rs);
                    sealed = cipher.seal(cipher.open(stored, context), context);
                } catch (TamperedValueException e) {
                    // the message names the row, never its content
                    log.warn("Re-encryption left a row as it is: {}", e.getMessage());
                    seen[1]++;
                    return;
                }
                Object[] update1 = new Object[rowKeys.length + 3];
                update1[0] = sealed;
                update1[1] = active;
                System.arraycopy(rowKeys, 0, update1, 2, rowKeys.length);
                update1[update1.length - 1] = stored;
                updates.add(update1);
            }, args.toArray());
            failed += seen[1];
            if (!updates.isEmpty()) {
                for (int n : jdbc.batchUpdate(update, updates)) {
                    resealed += Math.max(n, 0);
                }
            }
            if (seen[0] < batch) {
                return new Pass(c.table(), resealed, failed);
            }
            after = last[0];
        }
    }
}
