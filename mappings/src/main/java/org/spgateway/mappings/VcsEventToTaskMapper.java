package org.spgateway.mappings;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Turns a validated {@link VcsEvent} into a {@link TaskChange} per the design's event table (design.md section 2,
 * "VCS events -> Task"), and its outcome measures into FHIR R4 Observations.
 *
 * <p>Observations: one per measure ({@link OutcomeMeasure}), claiming its profile ({@link Profiles#outcome}),
 * {@code status=final}, category {@code survey}, code from {@value CodeSystems#OUTCOME_MEASURE},
 * {@code effectiveDateTime} = the event's {@code occurredAt}:
 * <ul>
 * <li>ONS4: no total exists for ONS4 (each item is reported on its own, see ONS "Personal well-being user guidance"),
 *     so the four items are components with {@code valueInteger}.
 * <li>SWEMWBS and WEMWBS: {@code valueInteger} = raw total (7-35, 14-70; not the SWEMWBS metric conversion), items
 *     as components {@code swemwbs-item-1..7} / {@code wemwbs-item-1..14} when recorded. Item wording is not
 *     copied: the scales are licensed by the University of Warwick.
 * <li>Goals: {@code valueString}.
 * </ul>
 * Pure; does not check the transition ({@link ReferralStateMachine} does).
 */
public final class VcsEventToTaskMapper {

    /**
     * @param subject reference to the Patient, copied into each Observation.subject
     * @param focus   reference the Observations are about (the referral's Task or ServiceRequest), copied into
     *                Observation.focus
     */
    public TaskChange map(VcsEvent event, Reference subject, Reference focus) {
        Objects.requireNonNull(event, "event");
        List<String> notes = new ArrayList<>();
        if (event.note() != null && !event.note().isBlank()) {
            notes.add(event.note());
        }
        List<Observation> outcomes = new ArrayList<>();
        VcsEvent.Outcomes o = event.outcomes();
        if (o != null) {
            if (o.ons4() != null) {
                Observation obs = observation(event, subject, focus, OutcomeMeasure.ONS4);
                List<OutcomeMeasure.Item> items = OutcomeMeasure.ONS4.items();
                component(obs, items.get(0), o.ons4().lifeSatisfaction());
                component(obs, items.get(1), o.ons4().worthwhile());
                component(obs, items.get(2), o.ons4().happiness());
                component(obs, items.get(3), o.ons4().anxiety());
                outcomes.add(obs);
            }
            if (o.swemwbs() != null) {
                outcomes.add(scale(event, subject, focus, OutcomeMeasure.SWEMWBS, o.swemwbs()));
            }
            if (o.wemwbs() != null) {
                outcomes.add(scale(event, subject, focus, OutcomeMeasure.WEMWBS, o.wemwbs()));
            }
            if (o.goals() != null && !o.goals().isBlank()) {
                Observation obs = observation(event, subject, focus, OutcomeMeasure.GOALS);
                obs.setValue(new StringType(o.goals()));
                outcomes.add(obs);
            }
        }
        return new TaskChange(event.type(), event.referralId(), event.occurredAt(), event.type().taskStatus(),
                event.type().businessStatus(), event.reason(), event.linkWorker(), event.appointmentAt(), notes,
                outcomes);
    }

    private static Observation scale(VcsEvent event, Reference subject, Reference focus, OutcomeMeasure measure,
            VcsEvent.Scale scale) {
        Observation obs = observation(event, subject, focus, measure);
        obs.setValue(new IntegerType(scale.total()));
        for (int i = 0; i < scale.items().size(); i++) {
            component(obs, measure.items().get(i), scale.items().get(i));
        }
        return obs;
    }

    private static Observation observation(VcsEvent event, Reference subject, Reference focus, OutcomeMeasure measure) {
        Observation obs = new Observation();
        obs.getMeta().addProfile(Profiles.outcome(measure));
        obs.setStatus(Observation.ObservationStatus.FINAL);
        obs.addCategory(new CodeableConcept(new Coding(CodeSystems.OBSERVATION_CATEGORY, "survey", "Survey")));
        obs.setCode(new CodeableConcept(new Coding(CodeSystems.OUTCOME_MEASURE, measure.code(), measure.display()))
                .setText(measure.display()));
        if (subject != null) {
            obs.setSubject(subject.copy());
        }
        if (focus != null) {
            obs.addFocus(focus.copy());
        }
        obs.setEffective(new DateTimeType(Date.from(event.occurredAt()),
                TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC")));
        return obs;
    }

    private static void component(Observation obs, OutcomeMeasure.Item item, int value) {
        obs.addComponent()
                .setCode(new CodeableConcept(new Coding(CodeSystems.OUTCOME_MEASURE, item.code(), item.display())))
                .setValue(new IntegerType(value));
    }
}
