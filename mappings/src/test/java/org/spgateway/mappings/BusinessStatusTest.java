package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BusinessStatusTest {

    @Test
    void codesAreTheProjectCodeSystemTheGatewayReliesOn() {
        assertThat(Arrays.stream(BusinessStatus.values()).map(BusinessStatus::code)).containsExactly(
                "awaiting-consent", "no-matching-service", "sent", "delivery-failed", "accepted", "declined",
                "contacted", "unable-to-contact", "first-appointment-booked", "engaged", "on-hold", "completed",
                "cancelled-by-service", "cancelled-by-referrer", "consent-withdrawn");
    }

    @Test
    void displaysAreTheWordsOfTheDesignTable() {
        assertThat(BusinessStatus.UNABLE_TO_CONTACT.display()).isEqualTo("unable to contact");
        assertThat(BusinessStatus.FIRST_APPOINTMENT_BOOKED.display()).isEqualTo("first appointment booked");
        assertThat(BusinessStatus.ENGAGED.display()).isEqualTo("engaged");
        assertThat(BusinessStatus.ON_HOLD.display()).isEqualTo("on hold");
        assertThat(BusinessStatus.CANCELLED_BY_SERVICE.display()).isEqualTo("cancelled by service");
    }

    @Test
    void readsItsOwnCodeableConceptBack() {
        for (BusinessStatus status : BusinessStatus.values()) {
            assertThat(BusinessStatus.of(status.toCodeableConcept())).contains(status);
        }
    }

    @Test
    void everyEventMapsToTheTaskStatusOfTheDesignTable() {
        assertThat(VcsEventType.DECLINED.taskStatus()).map(s -> s.toCode()).contains("rejected");
        assertThat(VcsEventType.UNABLE_TO_CONTACT.taskStatus()).map(s -> s.toCode()).contains("on-hold");
        assertThat(VcsEventType.ATTENDING.businessStatus()).contains(BusinessStatus.ENGAGED);
        assertThat(VcsEventType.CANCELLED.businessStatus()).contains(BusinessStatus.CANCELLED_BY_SERVICE);
        assertThat(VcsEventType.LINK_WORKER_ASSIGNED.taskStatus()).isEmpty();
    }
}
