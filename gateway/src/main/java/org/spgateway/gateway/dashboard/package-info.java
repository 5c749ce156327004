/**
 * The scheme dashboard ({@code /ui/dashboard}, for IG leads and scheme managers): referrals by status over time,
 * time from referral to first contact, completion and decline rates by service, outcome score changes (first
 * versus last ONS4, SWEMWBS, WEMWBS per referral) and uptake by area deprivation (IMD decile of the patient's
 * postcode, from a configurable lookup table). Derived only from what the gateway already holds (the audit log's
 * status changes, the VCS events applied, the stored FHIR resources): no extra data entry. Aggregates only; charts
 * are server-rendered SVG, so the page needs no script.
 */
package org.spgateway.gateway.dashboard;
