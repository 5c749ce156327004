/**
 * The fast path of intake validation: checks compiled from the StructureDefinitions (R4 base and the gateway's profiles)
 * of the resource types a referral carries, which accept a body only when every construct in it is one they fully
 * check; anything else goes to the full HL7 validator, which also words the errors. Proven equal in verdict to the full
 * validator by FastPathDifferentialTest.
 */
package org.spgateway.gateway.fhir.fastpath;
