package org.spgateway.consent.disclosure;

import java.util.Objects;
import org.spgateway.consent.decision.ConsentEngine;

/** The {@link DisclosureGate}: the consent engine decides per class, the {@link PayloadRedactor} enforces it. */
public final class PolicyDisclosureGate implements DisclosureGate {
    private final ConsentEngine engine;
    private final PayloadRedactor redactor;

    public PolicyDisclosureGate(ConsentEngine engine) {
        this(engine, new PayloadRedactor());
    }

    public PolicyDisclosureGate(ConsentEngine engine, PayloadRedactor redactor) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    @Override
    public GatedPayload gate(DisclosureRequest request) {
        // Classify before deciding, so an unclassified field fails even when the decision would withhold everything.
        var present = redactor.classesPresent(request.payload(), request.classification());
        var decision = engine.decide(request.toDecisionRequest(present));
        var redaction = redactor.redact(request.payload(), request.classification(), decision.permitted());
        var record = DisclosureRecord.of(request.messageId(), request.patientId(), decision, redaction);
        return new GatedPayload(redaction.payload(), decision, record);
    }
}
