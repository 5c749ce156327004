/**
 * The tamper-evident audit log IG leads rely on: append-only records (disclosures, consent changes, referral
 * lifecycle, dry runs, ...) chained by SHA-256 over a canonical serialisation, checkpoints signed with the gateway's
 * Ed25519 key, and a verifier that says exactly which record was altered, removed, inserted or reordered.
 */
package org.spgateway.gateway.audit;
