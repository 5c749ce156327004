package org.spgateway.mappings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One validated event from a VCS organisation, as {@link VcsEventParser} reads it. Fields that a type does not use
 * are {@code null}.
 *
 * @param type          the event type
 * @param referralId    the gateway's referral id the event is about
 * @param occurredAt    when it happened at the service (not when it was posted)
 * @param eventId       the sender's own id for the event, or {@code null}
 * @param note          free-text note, or {@code null}
 * @param reason        why (declined: required; on-hold, unable-to-contact, cancelled: optional), or {@code null}
 * @param appointmentAt the first appointment (appointment-booked), or {@code null}
 * @param linkWorker    the assigned worker (link-worker.assigned), or {@code null}
 * @param outcomes      outcome measures (completed, optional), or {@code null}
 */
public record VcsEvent(
        VcsEventType type,
        String referralId,
        Instant occurredAt,
        String eventId,
        String note,
        String reason,
        OffsetDateTime appointmentAt,
        LinkWorker linkWorker,
        Outcomes outcomes) {

    public VcsEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** A named link worker and how the GP practice can reach them. */
    public record LinkWorker(String name, String phone, String email) {
        public LinkWorker {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Outcome measures reported at completion.
     *
     * @param ons4    ONS personal wellbeing, or {@code null}
     * @param swemwbs Short Warwick-Edinburgh Mental Wellbeing Scale, or {@code null}
     * @param wemwbs  Warwick-Edinburgh Mental Wellbeing Scale, or {@code null}
     * @param goals   free text on goals reached, or {@code null}
     */
    public record Outcomes(Ons4 ons4, Scale swemwbs, Scale wemwbs, String goals) {
    }

    /** ONS4: four items, each 0-10; anxiety is reverse-scored by convention (10 = very anxious). */
    public record Ons4(int lifeSatisfaction, int worthwhile, int happiness, int anxiety) {
    }

    /**
     * A summed scale: item scores in questionnaire order (may be empty when only the total was recorded) and the
     * raw total.
     */
    public record Scale(List<Integer> items, int total) {
        public Scale {
            items = items == null ? List.of() : List.copyOf(items);
        }

        public Optional<List<Integer>> itemsIfRecorded() {
            return items.isEmpty() ? Optional.empty() : Optional.of(items);
        }
    }
}
