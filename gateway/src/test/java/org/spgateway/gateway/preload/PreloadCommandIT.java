package org.spgateway.gateway.preload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.fhir.NhsNumber;
import org.spgateway.gateway.store.ResourceRepository;
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

    @Autowired
    ResourceRepository repository;

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

    /**
     * Two threads' batches creating the same patient at once (the 1M preload of 2026-12-03 stopped at 339,603
     * referrals on it: random test-range NHS numbers repeat, hundreds of times in such a store): the batch that loses
     * the patient's conditional-create claim rolls back whole and is stored again, so every referral asked for is
     * stored and the patient once.
     */
    @Test
    void batchesCreatingTheSamePatientAtOnceAreStoredAgainNotLost() throws Exception {
        long before = preload.referralsHeld();
        long patients = count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Patient'");
        String shared = NhsNumber.randomTestNumber(new Random(System.nanoTime()));
        AtomicInteger drawn = new AtomicInteger();
        Supplier<String> random = preload.nhsNumbers;
        // the first referral (stored alone, before the threads start) about someone else; every later one about the
        // same patient, so the first batch of each thread creates that patient
        preload.nhsNumbers = () -> drawn.getAndIncrement() == 0 ? random.get() : shared;
        try {
            preload.preload(25, 2, 4);
        } finally {
            preload.nhsNumbers = random;
        }

        assertThat(preload.referralsHeld()).isEqualTo(before + 25);
        assertThat(repository.idsByIdentifier("Patient", "https://fhir.nhs.uk/Id/nhs-number", shared))
                .as("the shared patient, stored once").hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'Patient'")).isEqualTo(patients + 2);
    }

    @Test
    void onlyLostRacesAreRetried() {
        assertThat(PreloadCommand.lostARace(new org.springframework.dao.DuplicateKeyException("claim",
                new java.sql.SQLException("duplicate key", "23505")))).isTrue();
        assertThat(PreloadCommand.lostARace(new org.springframework.dao.CannotAcquireLockException("deadlock",
                new java.sql.SQLException("deadlock detected", "40P01")))).isTrue();
        // the write path hands a duplicate back at once, so an aborted or rollback-only batch is a fault, not a race
        assertThat(PreloadCommand.lostARace(new org.springframework.transaction.UnexpectedRollbackException(
                "rolled back: marked rollback-only"))).isFalse();
        assertThat(PreloadCommand.lostARace(new org.springframework.jdbc.UncategorizedSQLException("next", "SELECT 1",
                new java.sql.SQLException("current transaction is aborted", "25P02")))).isFalse();
        assertThat(PreloadCommand.lostARace(new org.springframework.jdbc.UncategorizedSQLException("insert", "INSERT",
                new java.sql.SQLException("value too long", "22001")))).isFalse();
        assertThat(PreloadCommand.lostARace(new IllegalStateException("no practice"))).isFalse();
    }
}
