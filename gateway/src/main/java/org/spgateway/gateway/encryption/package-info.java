/**
 * Encryption at rest of the columns that hold patient data: every stored FHIR resource (identifiers, names, contact
 * details, free text), the transaction answers kept for retries, and the outbound messages waiting in the outbox are
 * sealed with AES-256-GCM before they reach the database, bound to the row they belong to, and the NHS numbers and
 * other patient identifiers the store searches on are kept as keyed hashes (a blind index) rather than in the clear.
 * A stolen database file or backup without the keys shows no patient data. Keys come from configuration (several at
 * once, for rotation without downtime), are checked against the database at start-up so nodes cannot drift apart, and
 * rows under an old key are re-encrypted in the background. See docs/security.md#encryption-at-rest.
 */
package org.spgateway.gateway.encryption;
