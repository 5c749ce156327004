/**
 * Capacity testing: {@code --preload-referrals=N} fills the store with synthetic referrals through the store's own
 * write path (the transaction provider, its listeners: Task, routing, consent gate, outbox, disclosure and audit), so
 * the benchmarks can measure intake and search against 10k to 1M stored referrals without posting each over HTTP.
 */
package org.spgateway.gateway.preload;
