package org.spgateway.gateway.encryption;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encryption at rest ({@code spgateway.encryption}).
 *
 * @param keys            key id to base64 key (32 random bytes each: {@code openssl rand -base64 32}), from the
 *                        environment or a secrets file, e.g. {@code SPGATEWAY_ENCRYPTION_KEYS_K2026A=...}. Ids are
 *                        1-32 letters, digits, '-' or '_'. Every node of a deployment needs the same keys. Unset: the
 *                        embedded default generates one key, id {@code local}, into {@code <data-dir>/encryption.key}
 * @param activeKey       the id of the key new data is sealed with; may be left out when there is only one key. The
 *                        others only decrypt, until the re-encryption has moved every row to the active key
 * @param reencrypt       whether a node re-encrypts rows under other keys (and rows from before encryption) in the
 *                        background after start-up
 * @param reencryptBatch  rows per re-encryption transaction
 */
@ConfigurationProperties("spgateway.encryption")
public record EncryptionProperties(@DefaultValue Map<String, String> keys, String activeKey,
                                   @DefaultValue("true") boolean reencrypt, @DefaultValue("200") int reencryptBatch) {
}
