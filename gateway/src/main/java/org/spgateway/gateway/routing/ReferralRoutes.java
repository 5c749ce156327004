package org.spgateway.gateway.routing;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Where each referral went: the relational record behind Task.owner, used for routing decisions and access checks. */
@Component
public class ReferralRoutes {

    /** One referral's route. */
    public record Route(String referralId, String taskId, String serviceId, String practiceId, String patientId) {
    }

    private final JdbcTemplate jdbc;

    public ReferralRoutes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void save(Route route, Instant at) {
        int n = jdbc.update("UPDATE referral_route SET task_id = ?, service_id = ?, practice_id = ?, patient_id = ?,"
                + " routed_at = ? WHERE referral_id = ?", route.taskId(), route.serviceId(), route.practiceId(),
                route.patientId(), Timestamp.from(at), route.referralId());
        if (n == 0) {
            jdbc.update("INSERT INTO referral_route (referral_id, task_id, service_id, practice_id, patient_id, routed_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", route.referralId(), route.taskId(), route.serviceId(), route.practiceId(),
                    route.patientId(), Timestamp.from(at));
        }
    }

    public Optional<Route> find(String referralId) {
        return jdbc.query("SELECT referral_id, task_id, service_id, practice_id, patient_id FROM referral_route"
                + " WHERE referral_id = ?", (rs, i) -> new Route(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), referralId).stream().findFirst();
    }

    public List<Route> forPatient(String patientId) {
        return jdbc.query("SELECT referral_id, task_id, service_id, practice_id, patient_id FROM referral_route"
                + " WHERE patient_id = ?", (rs, i) -> new Route(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), patientId);
    }

    public Set<String> disabledDestinations() {
        return new HashSet<>(jdbc.queryForList("SELECT destination FROM endpoint_state WHERE disabled = TRUE", String.class));
    }
}
