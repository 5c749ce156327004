package org.spgateway.consent.disclosure;

/**
 * The one seam every outbound payload to a VCS organisation passes through (design.md sections 2.3 and 4, "No
 * leak"). Implementations are pure: they neither send nor persist, so calling one without acting on the result is a
 * dry run ("what would organisation X receive for referral Y?").
 */
public interface DisclosureGate {

    /**
     * Decides and redacts one payload.
     *
     * @throws UnclassifiedFieldException if the payload holds a field that is neither classified nor an envelope
     *                                    field; nothing may then be sent
     * @throws IllegalArgumentException   if the consent is about another patient, or a declared envelope field
     *                                    holds an object or array
     */
    GatedPayload gate(DisclosureRequest request);
}
