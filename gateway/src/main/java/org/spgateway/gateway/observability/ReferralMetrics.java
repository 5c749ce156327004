package org.spgateway.gateway.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.mappings.BusinessStatus;
import org.springframework.stereotype.Component;

/**
 * {@code spgateway.referrals.consent.holds}: referrals held because no consent permits sharing them (Task
 * {@code on-hold}, business status {@code awaiting-consent}). A growing number means practices are referring without
 * recording consent. Read through the store (only on-hold Tasks are read), at most every {@value #MAX_AGE_SECONDS}
 * seconds however often it is scraped. The other referral and delivery gauges are in {@code DeliveryMonitor}.
 */
@Component
public class ReferralMetrics implements MeterBinder {

    static final int MAX_AGE_SECONDS = 5;
    /** On-hold Tasks read at most per refresh; beyond that the gauge reports this many, a figure to act on anyway. */
    static final int MAX_READ = 10_000;

    private final ResourceWriteService store;
    private final Clock clock;
    private Instant readAt;
    private int holds;

    public ReferralMetrics(ResourceWriteService store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Referrals awaiting consent now (refreshed at most every {@value #MAX_AGE_SECONDS} s). */
    public synchronized int consentHolds() {
        Instant now = clock.instant();
        if (readAt == null || Duration.between(readAt, now).getSeconds() >= MAX_AGE_SECONDS) {
            holds = store.readOnly(session -> (int) session.search(SearchQuery.forType("Task")
                            .where("status", List.of(new SearchQuery.TokenValue(null, Task.TaskStatus.ONHOLD.toCode()))).build(),
                    MAX_READ).stream().map(Task.class::cast)
                    .filter(t -> BusinessStatus.of(t.getBusinessStatus()).orElse(null) == BusinessStatus.AWAITING_CONSENT)
                    .count());
            readAt = now;
        }
        return holds;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("spgateway.referrals.consent.holds", this, ReferralMetrics::consentHolds)
                .description("Referrals held because no consent permits sharing them (Task on-hold, awaiting consent)")
                .register(registry);
    }
}
