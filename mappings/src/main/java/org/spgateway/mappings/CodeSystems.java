package org.spgateway.mappings;

/**
 * Code system and identifier system URIs shared by the mappers and the gateway.
 *
 * <p>Project code systems live under {@link #PROJECT_BASE}; external ones are the canonical URIs from
 * <a href="https://terminology.hl7.org/">HL7 Terminology (THO)</a> and the
 * <a href="https://simplifier.net/guide/ukcoreversionhistory">UK Core</a> identifier systems.
 */
public final class CodeSystems {
    /** Canonical base of everything this project defines. */
    public static final String PROJECT_BASE = "https://spgateway.org/fhir";

    /** Task.businessStatus codes; see {@link BusinessStatus}. */
    public static final String BUSINESS_STATUS = PROJECT_BASE + "/CodeSystem/referral-business-status";

    /**
     * Outcome measures and their items (ONS4, SWEMWBS, WEMWBS, goals). A project code system because LOINC and
     * SNOMED CT codes for these UK wellbeing scales could not be confirmed for every item; a published mapping can be
     * added later as extra codings without breaking receivers that read these codes.
     */
    public static final String OUTCOME_MEASURE = PROJECT_BASE + "/CodeSystem/outcome-measure";

    /** Task.output types this project records that are not Observations (e.g. the first appointment time). */
    public static final String TASK_OUTPUT_TYPE = PROJECT_BASE + "/CodeSystem/task-output-type";

    /**
     * Order details this project recognises on ServiceRequest.orderDetail; see
     * {@link #CONTACTING_SUBJECT_PROHIBITED}.
     */
    public static final String ORDER_DETAIL = PROJECT_BASE + "/CodeSystem/order-detail";

    /**
     * ServiceRequest.orderDetail code meaning "do not contact the patient directly". No HL7 or NHS code system
     * defining it could be confirmed, so it is defined in {@link #ORDER_DETAIL}; the mapper matches the code in any
     * system, because a false match only withholds more (fails safe).
     */
    public static final String CONTACTING_SUBJECT_PROHIBITED = "contacting-subject-prohibited";

    /** Data classes of the sharing policy ({@code org.spgateway.consent.DataClass} ids), used in Consent provisions. */
    public static final String DATA_CLASS = PROJECT_BASE + "/CodeSystem/data-class";

    /** Roles of VCS services ({@code org.spgateway.consent.RecipientRole} ids), on directory Organizations. */
    public static final String VCS_ROLE = PROJECT_BASE + "/CodeSystem/vcs-role";

    /** How a directory service receives referrals; see {@link EndpointType}. */
    public static final String ENDPOINT_TYPE = PROJECT_BASE + "/CodeSystem/endpoint-type";

    /** NHS number (UK Core). */
    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    /** ODS organisation code (UK Core), identifies the GP practice. */
    public static final String ODS_ORGANIZATION_CODE = "https://fhir.nhs.uk/Id/ods-organization-code";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String LOINC = "http://loinc.org";
    /** Task.code, e.g. {@code fulfill}. */
    public static final String TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code";
    /** Observation.category, e.g. {@code survey} for questionnaire-based outcome scores. */
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private CodeSystems() {
    }
}
