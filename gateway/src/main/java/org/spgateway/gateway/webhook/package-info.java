/**
 * The Standard Webhooks signature scheme (https://www.standardwebhooks.com/): {@code v1,} HMAC-SHA256 with a
 * shared {@code whsec_} secret and {@code v1a,} Ed25519 (BouncyCastle), for signing what the gateway sends and
 * verifying what VCS organisations send.
 */
package org.spgateway.gateway.webhook;
