package org.spgateway.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs and verifies per the Standard Webhooks specification: the signed content is
 * {@code webhook-id + "." + webhook-timestamp + "." + body}; {@code webhook-signature} holds space-separated
 * {@code v1,<base64 HMAC-SHA256>} and/or {@code v1a,<base64 Ed25519>} signatures, any one of which may match
 * (that is how secrets and keys rotate without downtime).
 */
public final class StandardWebhooks {

    /** The outcome of a verification; {@code reason} says why it failed, without revealing secrets. */
    public record Verification(boolean valid, String reason) {
        static Verification ok() {
            return new Verification(true, null);
        }

        static Verification fail(String reason) {
            return new Verification(false, reason);
        }
    }

    private StandardWebhooks() {
    }

    /** {@code v1,} signature with a {@code whsec_} secret (the prefix is optional, as in the reference libraries). */
    public static String signV1(String secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(secret, content(id, timestamp, body)));
    }

    /** {@code v1a,} signature with an Ed25519 private key. */
    public static String signV1a(Ed25519PrivateKeyParameters key, String id, long timestamp, byte[] body) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] content = content(id, timestamp, body);
        signer.update(content, 0, content.length);
        return "v1a," + Base64.getEncoder().encodeToString(signer.generateSignature());
    }

    /**
     * @param secrets    the sender's {@code whsec_} secrets (any may match)
     * @param publicKeys the sender's base64 Ed25519 public keys (any may match)
     * @param tolerance  how far the timestamp may be from now, either way: outside it the request is a replay or
     *                   has a broken clock, and is refused
     */
    public static Verification verify(String id, String timestamp, String signatureHeader, byte[] body,
                                      List<String> secrets, List<String> publicKeys, Instant now, Duration tolerance) {
        if (id == null || id.isBlank() || timestamp == null || signatureHeader == null || signatureHeader.isBlank()) {
            return Verification.fail("webhook-id, webhook-timestamp and webhook-signature headers are required");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Verification.fail("webhook-timestamp must be Unix seconds");
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return Verification.fail("webhook-timestamp is more than " + tolerance.toSeconds()
                    + " seconds from the gateway's clock (replayed, or the sender's clock is wrong)");
        }
        byte[] content = content(id, ts, body);
        for (String signature : signatureHeader.trim().split(" +")) {
            int comma = signature.indexOf(',');
            if (comma < 0) {
                continue;
            }
            String version = signature.substring(0, comma);
            byte[] given;
            try {
                given = Base64.getDecoder().decode(signature.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if ("v1".equals(version)) {
                for (String secret : secrets) {
                    if (MessageDigest.isEqual(hmac(secret, content), given)) {
                        return Verification.ok();
                    }
                }
            } else if ("v1a".equals(version)) {
                for (String key : publicKeys) {
                    Ed25519Signer verifier = new Ed25519Signer();
                    verifier.init(false, new Ed25519PublicKeyParameters(Base64.getDecoder().decode(key), 0));
                    verifier.update(content, 0, content.length);
                    if (verifier.verifySignature(given)) {
                        return Verification.ok();
                    }
                }
            }
        }
        return Verification.fail("no signature in webhook-signature matches a registered secret or key");
    }

    private static byte[] content(String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return content;
    }

    private static byte[] hmac(String secret, byte[] content) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(encoded), "HmacSHA256"));
            return mac.doFinal(content);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
