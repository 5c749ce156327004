package org.spgateway.gateway.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.WriteSession;
import org.spgateway.mappings.CodeSystems;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Computes the dashboard from what the gateway already holds: each referral's status history from the audit log
 * ({@code referral.received} and {@code referral.status-changed} records), when each VCS event happened at the
 * service ({@code inbound_event.occurred_at}), the referral's date ({@code ServiceRequest.authoredOn}), the patient's
 * postcode and the outcome Observations (through the store). Aggregates only: no patient appears on the page.
 */
@Service
public class DashboardService {

    /** Task statuses in the order the charts stack them. */
    public static final List<String> STATUSES = List.of("requested", "accepted", "in-progress", "on-hold", "completed",
            "rejected", "cancelled", "failed");
    /** VCS events that mean the service has been in touch with the person. */
    static final List<String> CONTACT_EVENTS = List.of("referral.contacted", "referral.appointment-booked",
            "referral.attending", "referral.completed");
    /** Histogram buckets of days from referral to first contact: upper bounds, the last open-ended. */
    static final double[] CONTACT_BUCKETS = {1, 3, 7, 14, 28};
    static final List<String> CONTACT_LABELS = List.of("under 1 day", "1-3 days", "3-7 days", "1-2 weeks", "2-4 weeks",
            "over 4 weeks");
    /** The outcome measures compared, first against last: ONS4 items (0-10) and the scale totals. */
    static final Map<String, String> MEASURES = linked("ons4-life-satisfaction", "ONS4 life satisfaction",
            "ons4-worthwhile", "ONS4 worthwhile", "ons4-happiness", "ONS4 happiness", "ons4-anxiety", "ONS4 anxiety (lower is better)",
            "swemwbs", "SWEMWBS total (7-35)", "wemwbs", "WEMWBS total (14-70)");
    /** Referrals read per dashboard at most (the newest). */
    static final int MAX_REFERRALS = 20_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final ResourceWriteService store;
    private final DirectoryProperties directory;
    private final DashboardProperties properties;
    private final ImdLookup imd;
    private final Clock clock;

    public DashboardService(JdbcTemplate jdbc, ResourceWriteService store, DirectoryProperties directory,
                            DashboardProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.directory = directory;
        this.properties = properties;
        this.imd = ImdLookup.load(properties.imdLookupFile());
        this.clock = clock;
    }

    /** Everything the page shows. */
    public record Dashboard(Instant generatedAt, Instant since, int referrals, List<WeekStatus> statusOverTime,
                            ContactTimes contact, List<ServiceRates> services, List<OutcomeChange> outcomes, Equity equity) {
    }

    /** Referrals in each Task status at the end of one week. */
    public record WeekStatus(LocalDate weekEnding, Map<String, Integer> byStatus) {
        public int total() {
            return byStatus.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Days from the referral to the service's first contact. */
    public record ContactTimes(int referrals, int contacted, Double medianDays, List<Integer> histogram) {
    }

    /** One service's referrals and how they ended so far. */
    public record ServiceRates(String serviceId, String name, int referred, int completed, int declined, int cancelled,
                               int open) {
        public double completedPercent() {
            return percent(completed, referred);
        }

        public double declinedPercent() {
            return percent(declined, referred);
        }
    }

    /** One measure's mean first and last score over the referrals that recorded it at least twice. */
    public record OutcomeChange(String code, String label, int pairs, double meanFirst, double meanLast) {
        public double change() {
            return meanLast - meanFirst;
        }
    }

    /** Uptake by IMD decile (0: postcode missing or not in the table). */
    public record Equity(String source, boolean demoData, List<DecileUptake> deciles) {
    }

    /** Referrals from one decile's areas: how many, how many engaged (in progress or completed at some point). */
    public record DecileUptake(int decile, int referred, int engaged, int completed) {
        public double engagedPercent() {
            return percent(engaged, referred);
        }
    }

    private record Referral(String id, String serviceId, String patientId, Instant routedAt) {
    }

    private record Change(Instant at, String status) {
    }

    public Dashboard build() {
        Instant now = clock.instant();
        LocalDate lastWeekEnd = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant since = lastWeekEnd.minusWeeks(properties.weeks()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

        List<Referral> referrals = jdbc.query("SELECT referral_id, service_id, patient_id, routed_at FROM referral_route"
                        + " WHERE routed_at >= ? ORDER BY routed_at DESC LIMIT ?",
                (rs, i) -> new Referral(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()),
                java.sql.Timestamp.from(since), MAX_REFERRALS);
        Map<String, List<Change>> history = history(since);
        Map<String, Instant> firstContact = firstContact(since);

        return store.readOnly(session -> {
            Map<String, Instant> referredAt = new HashMap<>();
            Map<String, String> postcodes = new HashMap<>();
            for (Referral r : referrals) {
                Optional<ServiceRequest> sr = session.read("ServiceRequest", r.id()).map(ServiceRequest.class::cast);
                Instant authored = sr.filter(ServiceRequest::hasAuthoredOn).map(s -> s.getAuthoredOn().toInstant()).orElse(null);
                referredAt.put(r.id(), authored != null && !authored.isAfter(r.routedAt()) ? authored : r.routedAt());
                session.read("Patient", r.patientId()).map(Patient.class::cast)
                        .flatMap(p -> p.getAddress().stream().filter(a -> a.hasPostalCode()).findFirst())
                        .ifPresent(a -> postcodes.put(r.id(), a.getPostalCode()));
            }
            return new Dashboard(now, since, referrals.size(), statusOverTime(history, lastWeekEnd),
                    contactTimes(referrals, referredAt, firstContact), services(referrals, history),
                    outcomes(session, referrals), equity(referrals, history, postcodes));
        });
    }

    /** Each referral's Task statuses in order, from the audit log. */
    private Map<String, List<Change>> history(Instant since) {
        Map<String, List<Change>> history = new HashMap<>();
        jdbc.query("SELECT referral_id, recorded_at, details FROM audit_record WHERE event_type IN"
                + " ('referral.received', 'referral.status-changed') AND referral_id IN"
                + " (SELECT referral_id FROM referral_route WHERE routed_at >= ?) ORDER BY seq", rs -> {
                    try {
                        JsonNode details = JSON.readTree(rs.getString(3));
                        String to = details.path("to").asText(null);
                        if (to != null) {
                            history.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                    .add(new Change(rs.getTimestamp(2).toInstant(), to));
                        }
                    } catch (java.io.IOException unreadable) {
                        // an audit record's details are always JSON; one that is not is left out of the figures
                    }
                }, java.sql.Timestamp.from(since.minus(Duration.ofDays(1))));
        return history;
    }

    /** When each referral's service first reported contact, as the service dated it. */
    private Map<String, Instant> firstContact(Instant since) {
        Map<String, Instant> first = new HashMap<>();
        String in = String.join(",", CONTACT_EVENTS.stream().map(e -> "'" + e + "'").toList());
        jdbc.query("SELECT referral_id, MIN(COALESCE(occurred_at, received_at)) FROM inbound_event WHERE event_type IN (" + in
                + ") GROUP BY referral_id", rs -> {
                    first.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                });
        return first;
    }

    private List<WeekStatus> statusOverTime(Map<String, List<Change>> history, LocalDate lastWeekEnd) {
        List<WeekStatus> weeks = new ArrayList<>();
        for (int w = properties.weeks() - 1; w >= 0; w--) {
            LocalDate weekEnd = lastWeekEnd.minusWeeks(w);
            Instant end = weekEnd.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Map<String, Integer> counts = new LinkedHashMap<>();
            STATUSES.forEach(s -> counts.put(s, 0));
            for (List<Change> changes : history.values()) {
                String status = null;
                for (Change c : changes) {
                    if (c.at().isBefore(end)) {
                        status = c.status();
                    }
                }
                if (status != null) {
                    counts.merge(STATUSES.contains(status) ? status : "requested", 1, Integer::sum);
                }
            }
            weeks.add(new WeekStatus(weekEnd, counts));
        }
        return weeks;
    }

    private static ContactTimes contactTimes(List<Referral> referrals, Map<String, Instant> referredAt,
                                             Map<String, Instant> firstContact) {
        List<Double> days = new ArrayList<>();
        int[] histogram = new int[CONTACT_LABELS.size()];
        for (Referral r : referrals) {
            Instant contact = firstContact.get(r.id());
            if (contact == null) {
                continue;
            }
            double d = Math.max(0, Duration.between(referredAt.get(r.id()), contact).toMinutes() / 1440.0);
            days.add(d);
            int bucket = 0;
            while (bucket < CONTACT_BUCKETS.length && d >= CONTACT_BUCKETS[bucket]) {
                bucket++;
            }
            histogram[bucket]++;
        }
        days.sort(Double::compare);
        Double median = days.isEmpty() ? null : days.size() % 2 == 1 ? days.get(days.size() / 2)
                : (days.get(days.size() / 2 - 1) + days.get(days.size() / 2)) / 2;
        return new ContactTimes(referrals.size(), days.size(), median, java.util.Arrays.stream(histogram).boxed().toList());
    }

    private static String current(List<Change> changes) {
        return changes == null || changes.isEmpty() ? "requested" : changes.get(changes.size() - 1).status();
    }

    private List<ServiceRates> services(List<Referral> referrals, Map<String, List<Change>> history) {
        Map<String, int[]> byService = new TreeMap<>();
        for (Referral r : referrals) {
            if (r.serviceId() == null) {
                continue;
            }
            int[] n = byService.computeIfAbsent(r.serviceId(), k -> new int[5]);
            n[0]++;
            switch (current(history.get(r.id()))) {
                case "completed" -> n[1]++;
                case "rejected" -> n[2]++;
                case "cancelled" -> n[3]++;
                default -> n[4]++;
            }
        }
        List<ServiceRates> rates = new ArrayList<>();
        byService.forEach((id, n) -> rates.add(new ServiceRates(id, directory.service(id)
                .map(DirectoryProperties.Service::name).orElse(id), n[0], n[1], n[2], n[3], n[4])));
        return rates;
    }

    /** One recorded score: when it was taken, when the gateway stored it, and its value. */
    private record Score(Instant at, Instant stored, int value) {
        static final java.util.Comparator<Score> ORDER = java.util.Comparator.comparing(Score::at).thenComparing(Score::stored);
    }

    private List<OutcomeChange> outcomes(WriteSession session, List<Referral> referrals) {
        // per referral and measure: the earliest and the latest score. Scores are ordered by when the service says they
        // were taken (second precision), then by when the gateway stored them, so two returns in the same second
        // (attending, then completed) still count as a first and a last score.
        Map<String, Map<String, List<Score>>> scores = new HashMap<>();
        for (Referral r : referrals) {
            for (var resource : session.search(SearchQuery.forType("Observation").where("based-on",
                    List.of(new SearchQuery.TokenValue(null, "ServiceRequest/" + r.id()))).build(), 200)) {
                Observation obs = (Observation) resource;
                if (!obs.hasEffectiveDateTimeType()) {
                    continue;
                }
                Instant at = obs.getEffectiveDateTimeType().getValue().toInstant();
                Instant stored = obs.getMeta().hasLastUpdated() ? obs.getMeta().getLastUpdated().toInstant() : at;
                String code = obs.getCode().getCoding().stream().filter(c -> CodeSystems.OUTCOME_MEASURE.equals(c.getSystem()))
                        .map(c -> c.getCode()).findFirst().orElse(null);
                Map<String, List<Score>> mine = scores.computeIfAbsent(r.id(), k -> new HashMap<>());
                if (code != null && MEASURES.containsKey(code) && obs.hasValueIntegerType()) {
                    mine.computeIfAbsent(code, k -> new ArrayList<>())
                            .add(new Score(at, stored, obs.getValueIntegerType().getValue()));
                }
                for (Observation.ObservationComponentComponent c : obs.getComponent()) {
                    String item = c.getCode().getCodingFirstRep().getCode();
                    if (MEASURES.containsKey(item) && c.hasValueIntegerType()) {
                        mine.computeIfAbsent(item, k -> new ArrayList<>())
                                .add(new Score(at, stored, c.getValueIntegerType().getValue()));
                    }
                }
            }
        }
        List<OutcomeChange> changes = new ArrayList<>();
        MEASURES.forEach((code, label) -> {
            int pairs = 0;
            double first = 0;
            double last = 0;
            for (Map<String, List<Score>> mine : scores.values()) {
                List<Score> series = mine.get(code);
                if (series != null && series.size() >= 2) {
                    series.sort(Score.ORDER);
                    pairs++;
                    first += series.get(0).value();
                    last += series.get(series.size() - 1).value();
                }
            }
            changes.add(new OutcomeChange(code, label, pairs, pairs == 0 ? 0 : first / pairs, pairs == 0 ? 0 : last / pairs));
        });
        return changes;
    }

    private Equity equity(List<Referral> referrals, Map<String, List<Change>> history, Map<String, String> postcodes) {
        int[][] n = new int[11][3];
        for (Referral r : referrals) {
            OptionalInt decile = imd.decile(postcodes.get(r.id()));
            int d = decile.orElse(0);
            n[d][0]++;
            List<Change> changes = history.getOrDefault(r.id(), List.of());
            if (changes.stream().anyMatch(c -> c.status().equals("in-progress") || c.status().equals("completed"))) {
                n[d][1]++;
            }
            if (current(changes).equals("completed")) {
                n[d][2]++;
            }
        }
        List<DecileUptake> deciles = new ArrayList<>();
        for (int d = 1; d <= 10; d++) {
            deciles.add(new DecileUptake(d, n[d][0], n[d][1], n[d][2]));
        }
        deciles.add(new DecileUptake(0, n[0][0], n[0][1], n[0][2]));
        return new Equity(imd.source(), imd.demo(), deciles);
    }

    static double percent(int part, int whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    private static Map<String, String> linked(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** Rounds to one decimal for display. */
    public static double oneDecimal(double value) {
        return Math.round(value * 10) / 10.0;
    }

    static long weeksBetween(Instant a, Instant b) {
        return ChronoUnit.WEEKS.between(a, b);
    }
}
