package org.spgateway.mappings;

/**
 * Extension URLs the mappers read.
 *
 * <p><b>Staff safety</b> ({@link #STAFF_SAFETY}), a complex extension on {@code ServiceRequest}:
 * <pre>
 * { "url": "https://spgateway.org/fhir/StructureDefinition/staff-safety",
 *   "extension": [
 *     { "url": "flag",     "valueBoolean": true },
 *     { "url": "guidance", "valueString": "Do not visit alone; dog at the property" } ] }
 * </pre>
 * {@code flag} says a lone-working risk is known; {@code guidance} says what to do. They are separate because the
 * sharing policy gives activity providers the flag but not the guidance (design.md section 3). An absent extension
 * means "not known", not "safe", so the mapper then sends no safety field at all rather than {@code false}.
 */
public final class Extensions {
    public static final String STAFF_SAFETY = CodeSystems.PROJECT_BASE + "/StructureDefinition/staff-safety";
    public static final String STAFF_SAFETY_FLAG = "flag";
    public static final String STAFF_SAFETY_GUIDANCE = "guidance";

    /** Core R4 extension on Patient.communication (valueBoolean). */
    public static final String PATIENT_INTERPRETER_REQUIRED =
            "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";

    private Extensions() {
    }
}
