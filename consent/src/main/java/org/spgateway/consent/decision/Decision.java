package org.spgateway.consent.decision;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;

/**
 * The engine's answer for one disclosure: a {@link ClassDecision} for every data class present.
 *
 * @param policyVersion version of the sharing policy applied
 * @param recipient     who the data would go to
 * @param purpose       purpose of use
 * @param consentState  where the patient's consent stands for this recipient
 * @param consentId     id of the consent considered, or {@code null} if there was none
 * @param consentVersion version of the consent considered, or {@code null}
 * @param classes       decision per class present, in {@link DataClass} order
 * @param decidedAt     the instant decided for
 */
public record Decision(String policyVersion, Recipient recipient, Purpose purpose, ConsentState consentState,
                       String consentId, String consentVersion, Map<DataClass, ClassDecision> classes,
                       Instant decidedAt) {

    public Decision {
        Objects.requireNonNull(policyVersion, "policyVersion");
        Objects.requireNonNull(consentState, "consentState");
        var copy = new EnumMap<DataClass, ClassDecision>(DataClass.class);
        copy.putAll(classes);
        classes = Collections.unmodifiableMap(copy);
    }

    /** Classes that may be sent. */
    public Set<DataClass> permitted() {
        return select(true);
    }

    /** Classes that must be withheld. */
    public Set<DataClass> denied() {
        return select(false);
    }

    /** The decision for {@code dataClass}, if it was present. */
    public Optional<ClassDecision> decisionFor(DataClass dataClass) {
        return Optional.ofNullable(classes.get(dataClass));
    }

    /** Whether any identifiable class may be sent. */
    public boolean anyIdentifiablePermitted() {
        return permitted().stream().anyMatch(DataClass::identifiable);
    }

    /**
     * Whether the referral is waiting for consent: no consent, an inactive one, or one that does not permit this
     * recipient. The gateway then puts the Task on hold with reason "awaiting consent".
     */
    public boolean awaitingConsent() {
        return consentState.awaitingConsent();
    }

    private Set<DataClass> select(boolean permitted) {
        return classes.values().stream()
                .filter(d -> d.permitted() == permitted)
                .map(ClassDecision::dataClass)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DataClass.class)));
    }
}
