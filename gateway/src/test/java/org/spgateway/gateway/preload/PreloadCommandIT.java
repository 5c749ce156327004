package org.spgateway.gateway.preload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The benchmarks' preload stores whole referrals through the write path (each with its Task, route, outbox message
 * and audit records), and {@code --preload-until} tops a store up by what it lacks: a stopped preload, or a store kept
 * for the next benchmark run, continues instead of starting again.
 */
@SpringBootTest(properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class PreloadCommandIT {

    @Autowired
    PreloadCommand preload;

    @Autowired
    JdbcTemplate jdbc;

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    @Test
    void storesWholeReferralsAndTopsUpToTheSizeAsked() throws Exception {
        long before = preload.referralsHeld();
        long tasks = count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Task'");
        long routes = count("SELECT COUNT(*) FROM referral_route");
        long audit = count("SELECT COUNT(*) FROM audit_record");
        String identifiers = "SELECT COUNT(DISTINCT value_code) FROM fhir_business_identifier WHERE resource_type = 'ServiceRequest'";
        long distinctIdentifiers = count(identifiers);

        preload.preload(5, 2, 2);
        assertThat(preload.referralsHeld()).isEqualTo(before + 5);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Task'")).isEqualTo(tasks + 5);
        assertThat(count("SELECT COUNT(*) FROM referral_route")).isEqualTo(routes + 5);
        assertThat(count("SELECT COUNT(*) FROM audit_record")).isGreaterThan(audit + 5);
        // each a referral of its own, with its own business identifier
        assertThat(count(identifiers)).isEqualTo(distinctIdentifiers + 5);

        preload.preloadUntil(before + 8, 2, 2);
        assertThat(preload.referralsHeld()).isEqualTo(before + 8);
        preload.preloadUntil(before + 6, 2, 2);
        assertThat(preload.referralsHeld()).as("a store already that big is left as it is").isEqualTo(before + 8);

        // the statistics refresh after a preload is a statement the store takes, and leaves the data as it was
        preload.analyze();
        assertThat(preload.referralsHeld()).isEqualTo(before + 8);
    }
}
