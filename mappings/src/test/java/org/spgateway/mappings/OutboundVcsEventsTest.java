package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutboundVcsEventsTest {
    private static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void referralCancelledByTheGpCarriesOnlyTheEnvelope() throws Exception {
        assertThat(OutboundVcsEvents.referralCancelled("msg-1", "ref-1", AT)).isEqualTo(GoldenFiles.JSON.readTree("""
                {"type":"referral.cancelled","schemaVersion":"v1","messageId":"msg-1","referralId":"ref-1",
                 "occurredAt":"2026-12-01T08:00:00Z","cancelledBy":"referrer"}"""));
    }

    @Test
    void consentWithdrawnCarriesOnlyTheEnvelope() throws Exception {
        assertThat(OutboundVcsEvents.consentWithdrawn("msg-2", "ref-1", AT)).isEqualTo(GoldenFiles.JSON.readTree("""
                {"type":"consent.withdrawn","schemaVersion":"v1","messageId":"msg-2","referralId":"ref-1",
                 "occurredAt":"2026-12-01T08:00:00Z"}"""));
    }
}
