/**
 * The durable FHIR resource store: current versions, version history and a search index in relational
 * tables created by Flyway (H2 file database by default, PostgreSQL in production). Writes go through
 * {@link org.spgateway.gateway.store.ResourceWriteService}, which runs each request in one database
 * transaction and lets listeners (the referral intake, later the outbox) add their rows to it, so a 201 is
 * only answered after everything belonging to it has committed.
 */
package org.spgateway.gateway.store;
