package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class VcsEventParserTest {
    private final VcsEventParser parser = new VcsEventParser();

    @Test
    void readsCommonFieldsAndNormalisesOccurredAtToAnInstant() {
        VcsEvent event = parser.parse("""
                {"type":"referral.contacted","referralId":"ref-1","occurredAt":"2026-11-22T11:30:00+01:00",
                 "eventId":"e-9","note":"Spoke on the phone"}""");
        assertThat(event.type()).isEqualTo(VcsEventType.CONTACTED);
        assertThat(event.referralId()).isEqualTo("ref-1");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:30:00Z"));
        assertThat(event.eventId()).isEqualTo("e-9");
        assertThat(event.note()).isEqualTo("Spoke on the phone");
    }

    @Test
    void keepsTheAppointmentOffsetAsSent() {
        VcsEvent event = parser.parse("""
                {"type":"referral.appointment-booked","referralId":"ref-1","occurredAt":"2026-11-22T11:30:00Z",
                 "appointmentAt":"2026-12-03T10:00:00+00:00"}""");
        assertThat(event.appointmentAt()).isEqualTo(OffsetDateTime.parse("2026-12-03T10:00:00+00:00"));
    }

    @Test
    void computesTheScaleTotalFromItemsWhenOnlyItemsAreSent() {
        VcsEvent event = parser.parse("""
                {"type":"referral.completed","referralId":"ref-1","occurredAt":"2027-02-25T15:00:00Z",
                 "outcomes":{"swemwbs":{"items":[5,5,5,5,5,5,5]}}}""");
        assertThat(event.outcomes().swemwbs().total()).isEqualTo(35);
        assertThat(event.outcomes().swemwbs().items()).hasSize(7);
    }

    @Test
    void acceptsScoresAtBothEndsOfEveryRange() {
        VcsEvent low = parser.parse("""
                {"type":"referral.completed","referralId":"r","occurredAt":"2027-02-25T15:00:00Z","outcomes":{
                 "ons4":{"lifeSatisfaction":0,"worthwhile":0,"happiness":0,"anxiety":0},
                 "swemwbs":{"total":7},"wemwbs":{"total":14}}}""");
        VcsEvent high = parser.parse("""
                {"type":"referral.completed","referralId":"r","occurredAt":"2027-02-25T15:00:00Z","outcomes":{
                 "ons4":{"lifeSatisfaction":10,"worthwhile":10,"happiness":10,"anxiety":10},
                 "swemwbs":{"total":35},"wemwbs":{"total":70}}}""");
        assertThat(low.outcomes().wemwbs().total()).isEqualTo(14);
        assertThat(high.outcomes().ons4().anxiety()).isEqualTo(10);
    }

    @Test
    void reportsEveryInvalidFieldAtOnce() {
        var thrown = catchThrowableOfType(InvalidVcsEventException.class, () -> parser.parse("""
                {"type":"referral.completed","referralId":"r","occurredAt":"2027-02-25T15:00:00Z","outcomes":{
                 "ons4":{"lifeSatisfaction":-1,"worthwhile":10,"happiness":10,"anxiety":10},
                 "wemwbs":{"total":13}}}"""));
        assertThat(thrown.errors()).containsExactly(
                "$.outcomes.ons4.lifeSatisfaction: must have a minimum value of 0",
                "$.outcomes.wemwbs.total: must have a minimum value of 14");
    }

    @Test
    void doesNotEchoTheBodyOfMalformedJsonBecauseItMayHoldPatientData() {
        var thrown = catchThrowableOfType(InvalidVcsEventException.class,
                () -> parser.parse("{\"type\":\"referral.contacted\",\"note\":\"Mrs Smith at 12 Elm St"));
        assertThat(thrown.errors()).singleElement().asString().startsWith("$: not valid JSON");
        assertThat(thrown.getMessage()).doesNotContain("Smith");
    }

    @Test
    void doesNotEchoFreeTextValuesInSchemaErrors() {
        var thrown = catchThrowableOfType(InvalidVcsEventException.class, () -> parser.parse("""
                {"type":"referral.declined","referralId":"r","occurredAt":"2026-11-21T09:05:00Z",
                 "reason":"", "note": 42, "secret":"Mrs Smith has HIV"}"""));
        assertThat(thrown.getMessage()).doesNotContain("Smith").doesNotContain("HIV");
        assertThat(thrown.errors()).contains("$.secret: is not a field of this event (check the spelling)");
    }

    @Test
    void refusesABodyThatIsNotAnObject() {
        var thrown = catchThrowableOfType(InvalidVcsEventException.class, () -> parser.parse("[1,2]"));
        assertThat(thrown.errors()).containsExactly("$: must be a JSON object");
    }

    @Test
    void refusesAMissingType() {
        var thrown = catchThrowableOfType(InvalidVcsEventException.class,
                () -> parser.parse("{\"referralId\":\"r\"}"));
        assertThat(thrown.errors()).singleElement().asString().startsWith("$.type: required");
    }
}
