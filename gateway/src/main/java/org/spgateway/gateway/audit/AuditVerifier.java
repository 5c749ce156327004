package org.spgateway.gateway.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks the whole audit log and says exactly what is wrong: which record was altered, removed, inserted or
 * reordered, and whether the signed checkpoints still match. Passes on an intact log.
 */
@Component
public class AuditVerifier {

    /** One finding. */
    public record Issue(String type, long seq, String detail) {
    }

    /** The verdict. */
    public record Report(boolean intact, long records, int checkpoints, List<Issue> issues) {
    }

    private record Row(long seq, java.time.Instant recordedAt, String eventType, String actor, String patientId,
                       String recipientOrg, String referralId, String details, String prevHash, String hash) {
        String recompute(long asSeq) {
            return AuditChain.hash(asSeq, recordedAt, eventType, actor, patientId, recipientOrg, referralId, details, prevHash);
        }
    }

    private final JdbcTemplate jdbc;
    private final AuditSigningKey key;

    public AuditVerifier(JdbcTemplate jdbc, AuditSigningKey key) {
        this.jdbc = jdbc;
        this.key = key;
    }

    public Report verify() {
        List<Row> rows = jdbc.query("SELECT seq, recorded_at, event_type, actor, patient_id, recipient_org, referral_id,"
                + " details, prev_hash, hash FROM audit_record ORDER BY seq", (rs, i) -> new Row(rs.getLong(1),
                rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
        Map<String, Long> seqByHash = new HashMap<>();
        for (Row row : rows) {
            seqByHash.put(row.hash(), row.seq());
        }
        List<Issue> issues = new ArrayList<>();
        String expectedPrev = AuditChain.GENESIS;
        long expectedSeq = 1;
        for (Row row : rows) {
            if (row.seq() > expectedSeq) {
                issues.add(new Issue("removed", expectedSeq, row.seq() - expectedSeq == 1
                        ? "record " + expectedSeq + " is missing"
                        : "records " + expectedSeq + " to " + (row.seq() - 1) + " are missing"));
            }
            if (!row.recompute(row.seq()).equals(row.hash())) {
                Long before = AuditChain.GENESIS.equals(row.prevHash()) ? Long.valueOf(0) : seqByHash.get(row.prevHash());
                long origin = before == null ? -1 : before + 1;
                if (origin > 0 && origin != row.seq() && row.recompute(origin).equals(row.hash())) {
                    issues.add(new Issue("reordered", row.seq(), "record " + origin + " has been moved to position " + row.seq()));
                } else {
                    issues.add(new Issue("altered", row.seq(), "record " + row.seq() + " no longer matches its hash: its content was changed"));
                }
            } else if (!row.prevHash().equals(expectedPrev) && row.seq() == expectedSeq) {
                issues.add(new Issue("inserted", row.seq() - 1, "the chain breaks before record " + row.seq()
                        + ": record " + (row.seq() - 1) + " was inserted or replaced"));
            }
            expectedPrev = row.hash();
            expectedSeq = row.seq() + 1;
        }
        Map<String, Object> head = jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_head WHERE id = 1");
        long headSeq = ((Number) head.get("last_seq")).longValue();
        if (headSeq >= expectedSeq) {
            issues.add(new Issue("removed", expectedSeq, "records " + expectedSeq + " to " + headSeq
                    + " are missing from the end of the log"));
        } else if (headSeq < expectedSeq - 1) {
            issues.add(new Issue("inserted", headSeq + 1, "records after " + headSeq + " were added outside the gateway"));
        }
        Map<Long, String> hashBySeq = new HashMap<>();
        rows.forEach(r -> hashBySeq.put(r.seq(), r.hash()));
        List<Map<String, Object>> checkpoints = jdbc.queryForList("SELECT seq, hash, signature FROM audit_checkpoint ORDER BY seq");
        for (Map<String, Object> cp : checkpoints) {
            long seq = ((Number) cp.get("seq")).longValue();
            String hash = (String) cp.get("hash");
            if (!key.verify(AuditLog.checkpointMessage(seq, hash), (String) cp.get("signature"))) {
                issues.add(new Issue("checkpoint-forged", seq, "the checkpoint at record " + seq
                        + " does not carry the gateway's signature"));
            } else if (!hash.equals(hashBySeq.get(seq))) {
                issues.add(new Issue("checkpoint-mismatch", seq, "record " + seq + " differs from the signed checkpoint:"
                        + " the log was rewritten up to here"));
            }
        }
        issues.sort(java.util.Comparator.comparingLong(Issue::seq));
        return new Report(issues.isEmpty(), rows.size(), checkpoints.size(), issues);
    }
}
