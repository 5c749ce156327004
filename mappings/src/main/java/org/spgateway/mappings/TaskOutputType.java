package org.spgateway.mappings;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Codes of {@value CodeSystems#TASK_OUTPUT_TYPE}, the {@code Task.output.type} of what a referral's Task records:
 * an outcome measure (a reference to the Observation) or the first appointment's time.
 */
public enum TaskOutputType {
    OUTCOME_MEASURE("outcome-measure", "Outcome measure"),
    FIRST_APPOINTMENT("first-appointment", "First appointment");

    private final String code;
    private final String display;

    TaskOutputType(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public CodeableConcept toCodeableConcept() {
        return new CodeableConcept(new Coding(CodeSystems.TASK_OUTPUT_TYPE, code, display));
    }
}
