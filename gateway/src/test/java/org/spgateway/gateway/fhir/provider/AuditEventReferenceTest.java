package org.spgateway.gateway.fhir.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An audit record can name a referral id a caller merely claimed (a refused VCS call). The AuditEvent view must
 * encode whatever it was: the fuzz suite found {@code ServiceRequest/#x} tripping HAPI's XML encoder (it reads a
 * {@code #} as a contained-resource reference).
 */
class AuditEventReferenceTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();

    @Test
    void aFhirIdBecomesALiteralReference() {
        Reference r = AuditEventResourceProvider.reference("ServiceRequest", "sr-123.a");
        assertThat(r.getReference()).isEqualTo("ServiceRequest/sr-123.a");
        assertThat(r.hasIdentifier()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"#x", "#", "a b", "x/y", "\u0001ctl", "e\u0301", ""})
    void anythingElseIsKeptAsAnIdentifierAndEncodesInXmlAndJson(String claimed) {
        Reference r = AuditEventResourceProvider.reference("ServiceRequest", claimed);
        assertThat(r.hasReference()).isFalse();
        assertThat(r.getType()).isEqualTo("ServiceRequest");
        AuditEvent event = new AuditEvent();
        event.addEntity().setWhat(r);
        // surefire runs with assertions enabled, as the fuzz suite's gateway does
        assertThat(CTX.newXmlParser().encodeResourceToString(event)).contains("<type value=\"ServiceRequest\"/>");
        assertThat(CTX.newJsonParser().encodeResourceToString(event)).contains("\"type\":\"ServiceRequest\"");
    }

    @Test
    void aLongClaimIsCut() {
        Reference r = AuditEventResourceProvider.reference("ServiceRequest", "#" + "x".repeat(5000));
        assertThat(r.getIdentifier().getValue()).hasSize(203);
    }
}
