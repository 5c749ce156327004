package org.spgateway.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.spgateway.gateway.encryption.ColumnCipher;
import org.postgresql.PGStatement;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * Plain JDBC access to the resource tables. Every method runs in the caller's transaction (if any);
 * transaction boundaries belong to {@link ResourceWriteService}.
 * <p>
 * Resource content and recorded transaction answers are sealed with the {@link ColumnCipher} (bound to their row),
 * and patient identifiers are indexed as blind tokens, so the tables hold no patient data in the clear.
 */
@Repository
public class ResourceRepository {

    private final RowMapper<StoredResource> row = this::mapRow;
    /** The index row that records which practice owns a resource. */
    static final String OWNER = "_owner";

    /** The search-index parameter naming the practice that owns a resource. */
    public static final String OWNER_PARAM = OWNER;

    private final JdbcTemplate jdbc;
    private final ColumnCipher cipher;

    public ResourceRepository(JdbcTemplate jdbc, ColumnCipher cipher) {
        this.jdbc = jdbc;
        this.cipher = cipher;
    }

    /**
     * Whether a search parameter's values are patient identifiers, kept as blind tokens rather than in the clear: the
     * NHS number and any other identifier of a Patient.
     */
    public static boolean blindIndexed(String type, String param) {
        return "Patient".equals(type) && "identifier".equals(param);
    }

    /** The associated data a resource version's content is sealed with: its type, id and version. */
    public static String contentContext(String type, String id, long versionId) {
        return "fhir_resource:" + type + "/" + id + "/" + versionId;
    }

    public static String transactionContext(String serviceRequestId) {
        return "fhir_transaction_record:" + serviceRequestId;
    }

    public Optional<StoredResource> current(String type, String id) {
        return jdbc.query("SELECT resource_type, resource_id, version_id, last_updated, content FROM fhir_resource"
                + " WHERE resource_type = ? AND resource_id = ?", row, type, id).stream().findFirst();
    }

    /** Locks the current row until the transaction ends, so concurrent updates of one resource serialise. */
    Optional<Long> lockCurrentVersion(String type, String id) {
        return jdbc.query("SELECT version_id FROM fhir_resource WHERE resource_type = ? AND resource_id = ? FOR UPDATE",
                (rs, i) -> rs.getLong(1), type, id).stream().findFirst();
    }

    public Optional<StoredResource> version(String type, String id, long versionId) {
        return jdbc.query("SELECT resource_type, resource_id, version_id, last_updated, content FROM fhir_resource_version"
                + " WHERE resource_type = ? AND resource_id = ? AND version_id = ?", row, type, id, versionId)
                .stream().findFirst();
    }

    /** All versions, newest first, as FHIR's _history orders them. */
    public List<StoredResource> history(String type, String id) {
        return jdbc.query("SELECT resource_type, resource_id, version_id, last_updated, content FROM fhir_resource_version"
                + " WHERE resource_type = ? AND resource_id = ? ORDER BY version_id DESC", row, type, id);
    }

    void insertCurrent(StoredResource r) {
        String sealed = seal(r);
        jdbc.update("INSERT INTO fhir_resource (resource_type, resource_id, version_id, last_updated, content, key_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)", r.resourceType(), r.id(), r.versionId(), Timestamp.from(r.lastUpdated()),
                sealed, cipher.activeKeyId());
        insertVersion(r, sealed);
    }

    void replaceCurrent(StoredResource r) {
        String sealed = seal(r);
        int n = jdbc.update("UPDATE fhir_resource SET version_id = ?, last_updated = ?, content = ?, key_id = ?"
                + " WHERE resource_type = ? AND resource_id = ? AND version_id = ?",
                r.versionId(), Timestamp.from(r.lastUpdated()), sealed, cipher.activeKeyId(), r.resourceType(), r.id(),
                r.versionId() - 1);
        if (n != 1) {
            throw new IllegalStateException("Concurrent update of " + r.resourceType() + "/" + r.id());
        }
        insertVersion(r, sealed);
    }

    private String seal(StoredResource r) {
        return cipher.seal(r.json(), contentContext(r.resourceType(), r.id(), r.versionId()));
    }

    private void insertVersion(StoredResource r, String sealed) {
        // the same sealed value as the current row: both are bound to type, id and version
        jdbc.update("INSERT INTO fhir_resource_version (resource_type, resource_id, version_id, last_updated, content, key_id)"
                + " VALUES (?, ?, ?, ?, ?, ?)", r.resourceType(), r.id(), r.versionId(), Timestamp.from(r.lastUpdated()),
                sealed, cipher.activeKeyId());
    }

    /**
     * Makes the resource's index rows the given ones. A first version only inserts; a later one changes only the rows
     * that differ (a Task's update changes its status, owner and dates, not its focus, subject or code), so the
     * index B-trees are written for what changed, not deleted and rebuilt whole.
     */
    void replaceIndex(String type, String id, List<SearchIndexer.IndexRow> rows, boolean firstVersion) {
        java.util.Set<SearchIndexer.IndexRow> wanted = new java.util.LinkedHashSet<>();
        for (SearchIndexer.IndexRow row : rows) {
            wanted.add(blindIndexed(type, row.param())
                    ? new SearchIndexer.IndexRow(row.param(), row.system(), cipher.blindToken(row.code())) : row);
        }
        if (!firstVersion) {
            List<SearchIndexer.IndexRow> gone = new ArrayList<>();
            for (SearchIndexer.IndexRow row : jdbc.query("SELECT param_name, value_system, value_code FROM fhir_search_index"
                    + " WHERE resource_type = ? AND resource_id = ?", (rs, n) -> new SearchIndexer.IndexRow(
                    rs.getString(1), rs.getString(2), rs.getString(3)), type, id)) {
                if (!wanted.remove(row)) {
                    gone.add(row);
                }
            }
            if (!gone.isEmpty()) {
                jdbc.batchUpdate("DELETE FROM fhir_search_index WHERE resource_type = ? AND resource_id = ? AND param_name = ?"
                        + " AND value_code = ? AND (value_system = ? OR value_system IS NULL AND ? IS NULL)", gone, gone.size(),
                        (ps, row) -> {
                            ps.setString(1, type);
                            ps.setString(2, id);
                            ps.setString(3, row.param());
                            ps.setString(4, row.code());
                            ps.setString(5, row.system());
                            ps.setString(6, row.system());
                        });
            }
        }
        if (!wanted.isEmpty()) {
            List<SearchIndexer.IndexRow> insert = new ArrayList<>(wanted);
            jdbc.batchUpdate("INSERT INTO fhir_search_index (resource_type, resource_id, param_name, value_system, value_code)"
                    + " VALUES (?, ?, ?, ?, ?)", insert, insert.size(), (ps, row) -> {
                        ps.setString(1, type);
                        ps.setString(2, id);
                        ps.setString(3, row.param());
                        ps.setString(4, row.system());
                        ps.setString(5, row.code());
                    });
        }
    }

    /**
     * Resources of a type with a blind-indexed row not under the active key (a token of an old key, or a value
     * indexed in the clear before encryption), in resource id order after {@code after}: the pass walks
     * ix_search_resource once from start to end, whatever the number of patients.
     */
    List<String> blindTokensToRewrite(String type, String after, int limit) {
        String from = cipher.activeTokenPrefix();
        String to = from.substring(0, from.length() - 1) + ";"; // ';' sorts right after ':'
        return jdbc.queryForList("SELECT DISTINCT resource_id FROM fhir_search_index WHERE resource_type = ?"
                + " AND resource_id > ? AND param_name = 'identifier' AND (value_code < ? OR value_code >= ?)"
                + " ORDER BY resource_id LIMIT ?", String.class, type, after, from, to, limit);
    }

    /** Replaces a resource's blind-indexed rows (only those) with tokens under the active key. */
    void replaceBlindIndex(String type, String id, List<SearchIndexer.IndexRow> rows) {
        List<SearchIndexer.IndexRow> blind = rows.stream().filter(r -> blindIndexed(type, r.param())).toList();
        jdbc.update("DELETE FROM fhir_search_index WHERE resource_type = ? AND resource_id = ? AND param_name = 'identifier'",
                type, id);
        for (SearchIndexer.IndexRow row : blind) {
            jdbc.update("INSERT INTO fhir_search_index (resource_type, resource_id, param_name, value_system, value_code)"
                    + " VALUES (?, ?, ?, ?, ?)", type, id, row.param(), row.system(), cipher.blindToken(row.code()));
        }
    }

    /** Claims a business identifier; a duplicate raises Spring's DuplicateKeyException. */
    void claimBusinessIdentifier(String type, String system, String value, String id) {
        jdbc.update("INSERT INTO fhir_business_identifier (resource_type, value_system, value_code, resource_id)"
                + " VALUES (?, ?, ?, ?)", type, system, value, id);
    }

    /**
     * The resource that claimed a conditional create's criteria, if any (the criteria as their blind token, see
     * {@link #criteriaToken}).
     */
    Optional<String> conditionalClaim(String type, String token) {
        return jdbc.query("SELECT resource_id FROM fhir_conditional_claim WHERE resource_type = ? AND criteria_token = ?",
                (rs, i) -> rs.getString(1), type, token).stream().findFirst();
    }

    /** Claims a conditional create's criteria for a new resource; a concurrent claim raises DuplicateKeyException. */
    void claimConditional(String type, String token, String id) {
        jdbc.update("INSERT INTO fhir_conditional_claim (resource_type, criteria_token, resource_id) VALUES (?, ?, ?)",
                type, token, id);
    }

    /**
     * Moves a claim whose resource no longer matches its criteria to a new resource.
     *
     * @return false if another transaction moved it first
     */
    boolean moveConditionalClaim(String type, String token, String from, String to) {
        return jdbc.update("UPDATE fhir_conditional_claim SET resource_id = ? WHERE resource_type = ? AND criteria_token = ?"
                + " AND resource_id = ?", to, type, token, from) == 1;
    }

    /**
     * The criteria of a conditional create as one keyed token: the resource type, the calling practice (searches are
     * confined to its resources and shared ones), and each parameter with its values, sorted, under the active index
     * key. Criteria that differ only in order give the same token.
     */
    String criteriaToken(SearchQuery query) {
        StringBuilder key = new StringBuilder(query.resourceType()).append('\n')
                .append(CallerScope.practice().orElse("")).append('\n');
        query.criteria().stream()
                .map(c -> c.paramName() + "=" + c.values().stream()
                        .map(v -> (v.system() == null ? "" : v.system() + "|") + v.code()).sorted()
                        .collect(java.util.stream.Collectors.joining(",")))
                .sorted().forEach(c -> key.append(c).append('\n'));
        key.append(query.updatedFrom()).append(query.fromInclusive()).append(query.updatedTo()).append(query.toInclusive());
        return cipher.blindToken(key.toString());
    }

    public Optional<String> findByBusinessIdentifier(String type, String system, String value) {
        return jdbc.query("SELECT resource_id FROM fhir_business_identifier WHERE resource_type = ? AND value_system = ?"
                + " AND value_code = ?", (rs, i) -> rs.getString(1), type, system, value).stream().findFirst();
    }

    void recordTransaction(String serviceRequestId, String response, Instant at) {
        jdbc.update("INSERT INTO fhir_transaction_record (service_request_id, response, recorded_at, key_id) VALUES (?, ?, ?, ?)",
                serviceRequestId, cipher.seal(response, transactionContext(serviceRequestId)), Timestamp.from(at),
                cipher.activeKeyId());
    }

    Optional<String> recordedTransaction(String serviceRequestId) {
        return jdbc.query("SELECT response FROM fhir_transaction_record WHERE service_request_id = ?",
                (rs, i) -> cipher.open(rs.getString(1), transactionContext(serviceRequestId)), serviceRequestId)
                .stream().findFirst();
    }

    /**
     * The ids of the resources of a type holding an identifier (for a Patient: matched by its blind tokens).
     *
     * @param system the identifier system, or null for any
     */
    public List<String> idsByIdentifier(String type, String system, String value) {
        List<Object> args = new ArrayList<>();
        args.add(type);
        StringBuilder sql = new StringBuilder("SELECT DISTINCT resource_id FROM fhir_search_index WHERE resource_type = ?"
                + " AND param_name = 'identifier'");
        if (system != null) {
            sql.append(" AND value_system = ?");
            args.add(system);
        }
        List<String> codes = blindIndexed(type, "identifier") ? cipher.searchTokens(value) : List.of(value);
        sql.append(" AND value_code IN (").append(String.join(", ", java.util.Collections.nCopies(codes.size(), "?"))).append(")");
        args.addAll(codes);
        return jdbc.queryForList(sql.toString(), String.class, args.toArray());
    }

    /** The exact number of matches (for {@code _total=accurate} and {@code _summary=count}): reads every match. */
    public int count(SearchQuery query) {
        return countMatches(query, null);
    }

    /**
     * The number of matches if it is at most {@code cap}, otherwise {@code cap + 1}: reads at most {@code cap + 1}
     * matches, driven from the value index of a criterion where the query has one, so it costs what the matches
     * cost, not what the store holds.
     */
    public int countUpTo(SearchQuery query, int cap) {
        return countMatches(query, cap + 1);
    }

    private int countMatches(SearchQuery query, Integer limit) {
        List<Object> args = new ArrayList<>();
        SearchQuery.Criterion driver = driver(query, true);
        String from = from(query, driver, args);
        String where = where(query, driver, args);
        if (limit != null) {
            args.add(limit);
        }
        // Planned with its values at every call, as a scan is (planned()): how many matches a count reads before its
        // LIMIT depends on the value. A generic plan, which PostgreSQL may choose once the driver has named the
        // statement, collected every match before the LIMIT: 5.3 s for the capped count of status=requested at
        // 340,000 Tasks (5.9 ms planned with the value), which every first page of open Tasks makes (item 20).
        return planned("SELECT COUNT(*) FROM (SELECT DISTINCT r.resource_id FROM " + from + " WHERE "
                + where + (limit != null ? " LIMIT ?" : "") + ") m", (rs, i) -> rs.getInt(1), args).get(0);
    }

    /** A page of matches in a stable order (last updated, then id), so paging never repeats or skips. */
    public List<StoredResource> search(SearchQuery query, int offset, int limit) {
        return search(query, offset, limit, false);
    }

    /**
     * A page of matches in a stable order (last updated, then id), so paging never repeats or skips.
     *
     * @param fewMatches the query is known to match few resources ({@link #countUpTo}): the page is then driven from
     *                   the value index of one of its criteria and the few matches sorted, instead of reading the
     *                   type's resources in result order until a page is full (which reads them all when matches
     *                   are rare)
     */
    public List<StoredResource> search(SearchQuery query, int offset, int limit, boolean fewMatches) {
        List<Object> args = new ArrayList<>();
        SearchQuery.Criterion driver = driver(query, fewMatches);
        String from = from(query, driver, args);
        String where = where(query, driver, args);
        args.add(limit);
        args.add(offset);
        boolean scan = from.equals(ALL_OF_TYPE);
        // Read in result order, resource_type leads the ORDER BY although it is fixed: H2 reads an index in order (and
        // stops at the page) only when the ORDER BY starts with the index's first column; with ORDER BY last_updated,
        // resource_id it read and sorted every resource of the type (1.2 s a page at 10,000 Tasks). Driven from the
        // value index it must not: H2 would then prefer the ordered index and probe the value index for every resource
        // of the type (4 ms became 260 ms for a Task by focus at 10,000).
        // Driven from a non-selective criterion, a resource may hold two index rows matching its value (an identifier
        // without system): DISTINCT, affordable for the few matches this is used for.
        String sql = "SELECT " + (fewMatches && !scan ? "DISTINCT " : "")
                + "r.resource_type, r.resource_id, r.version_id, r.last_updated, r.content"
                + " FROM " + from + " WHERE " + where
                + (scan ? " ORDER BY r.resource_type, r.last_updated, r.resource_id" : " ORDER BY r.last_updated, r.resource_id")
                + " LIMIT ? OFFSET ?";
        // A scan's best plan depends on how many resources its values match (planned with them every time); a search
        // driven from the value index has one best plan whatever the value (the driver's named statement)
        return scan ? planned(sql, row, args) : jdbc.query(sql, row, args.toArray());
    }

    /**
     * Runs a search statement planned for the values it is given, every time. A search's best plan depends on its
     * values: {@code status = requested} matches most Tasks (read them in order and stop at the page), a focus matches
     * one (look it up in the value index). PostgreSQL's JDBC driver turns a statement into a named server-side one
     * from its fifth execution on a connection, and PostgreSQL may then run it with a generic plan made without the
     * values, estimated from the average value: on a 100,000-referral store the first page of open Tasks went from
     * 0.9 ms to 1.5 s at the sixth call, collecting and sorting all 100,000 matches (docs/performance.md, item 18).
     * An unnamed statement (prepare threshold 0) is planned with its values at each execution, at the cost of
     * planning it again. Scans and counts need it (how many matches they read depends on the value; counts:
     * item 20): a search driven from the value index has one best plan whatever the
     * value, so it stays the driver's named statement and PostgreSQL's choice of plan: with the type and parameter
     * names written into it ({@link #name}) its generic plan is the custom one, which PostgreSQL then keeps after
     * five executions instead of planning it again at every call (item 21). On H2 this is a plain prepared statement.
     */
    private <T> List<T> planned(String sql, RowMapper<T> mapper, List<Object> args) {
        return jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            if (ps.isWrapperFor(PGStatement.class)) {
                ps.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            new ArgumentPreparedStatementSetter(args.toArray()).setValues(ps);
            return ps;
        }, mapper);
    }

    /** Whether the resource with this id matches the query (as a search would find it), in the caller's transaction. */
    public boolean matches(SearchQuery query, String id) {
        List<Object> args = new ArrayList<>();
        String where = where(query, null, args);
        args.add(id);
        // one resource by its key: the same plan whatever the values, so the driver's cached statement is right
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource r WHERE " + where + " AND r.resource_id = ?",
                Integer.class, args.toArray());
        return n != null && n > 0;
    }

    /** What a search reads without a driving criterion: the resources of the type, in result order. */
    private static final String ALL_OF_TYPE = "fhir_resource r";

    /**
     * Reference parameters whose value picks out a few resources (a referral's Task by focus, a patient's Consents):
     * a search with one is driven from the value index and joins each match's row by primary key, so its cost does not
     * grow with the number of resources stored. Without one (status and the like, which may match many), the resources
     * are read in result order and checked, which stops at the first page, unless a bounded count has shown that the
     * query matches few ({@link #search(SearchQuery, int, int, boolean)}). Each is indexed from a single element and
     * {@link SearchIndexer} never writes a row twice, so one value matches at most one index row per resource.
     */
    private static final java.util.Set<String> SELECTIVE = java.util.Set.of("subject", "patient", "focus", "based-on");

    /**
     * The criterion a search is driven from (its value-index rows joined to their resources), if any: a one-valued
     * selective criterion, or (when {@code anyCriterion}) any one-valued criterion; without one, the search reads
     * the resources of the type.
     *
     * @param anyCriterion the query is known to match few, or every match is read anyway (a count)
     */
    private static SearchQuery.Criterion driver(SearchQuery query, boolean anyCriterion) {
        SearchQuery.Criterion driver = null;
        for (SearchQuery.Criterion c : query.criteria()) {
            boolean oneValue = c.values().size() == 1;
            boolean identifierWithSystem = c.paramName().equals("identifier") && oneValue
                    && c.values().get(0).system() != null && !c.values().get(0).system().isEmpty();
            if (oneValue && (SELECTIVE.contains(c.paramName()) || identifierWithSystem)) {
                return c;
            }
            if (oneValue && anyCriterion && driver == null) {
                driver = c;
            }
        }
        return driver;
    }

    /** The rows a search reads: the driver's value-index rows joined to their resources, or the type's resources. */
    private String from(SearchQuery query, SearchQuery.Criterion driver, List<Object> args) {
        if (driver == null) {
            return ALL_OF_TYPE;
        }
        StringBuilder sql = new StringBuilder("fhir_search_index d JOIN fhir_resource r"
                + " ON r.resource_type = d.resource_type AND r.resource_id = d.resource_id");
        sql.append(" AND d.resource_type = ").append(name(query.resourceType(), args))
                .append(" AND d.param_name = ").append(name(driver.paramName(), args)).append(" AND (");
        values(sql, "d", driver, blindIndexed(query.resourceType(), driver.paramName()), args);
        return sql.append(")").toString();
    }

    /**
     * A resource type or search parameter name as an SQL literal when it is a plain name (letters, digits, '_' and
     * '-': every type and parameter the gateway indexes), otherwise as a bind parameter. With the names written into
     * the statement PostgreSQL estimates a driven search's generic plan from the same statistics as its custom one
     * (a bind parameter for the type, given twice, and the parameter name, left it guessing: cost 87.6 against 22.8
     * for a Task by focus at 100,000 stored, so it planned the statement again at every execution, 0.45 ms each,
     * five a referral: half the database's planning time during intake; item 21). The names are a fixed vocabulary,
     * so one statement per search shape, as before.
     */
    private static String name(String value, List<Object> args) {
        if (value != null && PLAIN_NAME.matcher(value).matches()) {
            return "'" + value + "'";
        }
        args.add(value);
        return "?";
    }

    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    /** The criterion's values, any of which matches, as conditions on the index rows of the given alias. */
    private void values(StringBuilder sql, String alias, SearchQuery.Criterion c, boolean blind, List<Object> args) {
        for (int k = 0; k < c.values().size(); k++) {
            SearchQuery.TokenValue v = c.values().get(k);
            if (k > 0) {
                sql.append(" OR ");
            }
            List<String> codes = blind ? cipher.searchTokens(v.code()) : List.of(v.code());
            String code = codes.size() == 1 ? alias + ".value_code = ?"
                    : alias + ".value_code IN (" + String.join(", ", java.util.Collections.nCopies(codes.size(), "?")) + ")";
            if (v.system() == null) {
                sql.append(code);
            } else if (v.system().isEmpty()) {
                sql.append("(").append(alias).append(".value_system IS NULL AND ").append(code).append(")");
            } else {
                sql.append("(").append(alias).append(".value_system = ? AND ").append(code).append(")");
                args.add(v.system());
            }
            args.addAll(codes);
        }
    }

    /** The practice that owns the resource, if any (shared resources such as the directory have none). */
    public Optional<String> ownerOf(String type, String id) {
        return jdbc.query("SELECT value_code FROM fhir_search_index WHERE resource_type = ? AND resource_id = ?"
                + " AND param_name = ?", (rs, i) -> rs.getString(1), type, id, OWNER).stream().findFirst();
    }

    /** Whether the calling practice (if the request acts for one) may see the resource. */
    public boolean visible(String type, String id) {
        Optional<String> caller = CallerScope.practice();
        if (caller.isEmpty()) {
            return true;
        }
        Optional<String> owner = ownerOf(type, id);
        return owner.isEmpty() || owner.get().equals(caller.get());
    }

    /** The conditions of the query but the driver's (which the driver's join already holds), and the caller's scope. */
    private String where(SearchQuery query, SearchQuery.Criterion driver, List<Object> args) {
        StringBuilder sql = new StringBuilder("r.resource_type = ").append(name(query.resourceType(), args));
        CallerScope.practice().ifPresent(practice -> {
            // confined to the caller's own resources and shared (unowned) ones
            sql.append(" AND NOT EXISTS (SELECT 1 FROM fhir_search_index o WHERE o.resource_type = r.resource_type"
                    + " AND o.resource_id = r.resource_id AND o.param_name = ").append(name(OWNER, args))
                    .append(" AND o.value_code <> ?)");
            args.add(practice);
        });
        for (SearchQuery.Criterion c : query.criteria()) {
            if (c == driver) {
                continue;
            }
            sql.append(" AND EXISTS (SELECT 1 FROM fhir_search_index i WHERE i.resource_type = r.resource_type"
                    + " AND i.resource_id = r.resource_id AND i.param_name = ").append(name(c.paramName(), args)).append(" AND (");
            values(sql, "i", c, blindIndexed(query.resourceType(), c.paramName()), args);
            sql.append("))");
        }
        if (query.updatedFrom() != null) {
            sql.append(query.fromInclusive() ? " AND r.last_updated >= ?" : " AND r.last_updated > ?");
            args.add(Timestamp.from(query.updatedFrom()));
        }
        if (query.updatedTo() != null) {
            sql.append(query.toInclusive() ? " AND r.last_updated <= ?" : " AND r.last_updated < ?");
            args.add(Timestamp.from(query.updatedTo()));
        }
        return sql.toString();
    }

    private StoredResource mapRow(ResultSet rs, int i) throws SQLException {
        String type = rs.getString(1);
        String id = rs.getString(2);
        long version = rs.getLong(3);
        return new StoredResource(type, id, version, rs.getTimestamp(4).toInstant(),
                cipher.open(rs.getString(5), contentContext(type, id, version)));
    }

    /** Used by tests and diagnostics. */
    public int countAll(String type) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = ?", Integer.class, type);
        return n == null ? 0 : n;
    }

    static Instant truncate(Instant instant) {
        // Both databases keep microseconds; truncating here makes the stored and returned meta.lastUpdated equal.
        return instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }
}
