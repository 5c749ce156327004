/**
 * Translation between the GP side (FHIR R4) and the VCS side (simple JSON "v1" events), with the JSON Schemas that
 * define the VCS side and the code systems both sides share.
 *
 * <p>Outbound: {@link org.spgateway.mappings.ReferralToVcsMapper} turns a referral ({@code ServiceRequest} and the
 * resources around it) into the full {@code referral.created} payload plus a data-class label for every field that
 * carries patient data; the consent module then removes what a recipient may not see (design.md section 2.3).
 * {@link org.spgateway.mappings.OutboundVcsEvents} builds the envelope-only {@code referral.cancelled} and
 * {@code consent.withdrawn} events.
 *
 * <p>Inbound: {@link org.spgateway.mappings.VcsEventParser} validates a VCS event against its schema and reads it;
 * {@link org.spgateway.mappings.ReferralStateMachine} says whether it may apply to the referral's current state;
 * {@link org.spgateway.mappings.VcsEventToTaskMapper} turns it into a {@link org.spgateway.mappings.TaskChange}
 * (design.md section 2, "VCS events -> Task").
 *
 * <p>Everything here is pure and thread-safe once built: no I/O except reading bundled schemas, no clock, no Spring.
 */
package org.spgateway.mappings;
