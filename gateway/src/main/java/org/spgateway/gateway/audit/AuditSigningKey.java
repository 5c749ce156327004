package org.spgateway.gateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The gateway's Ed25519 key for audit checkpoints (BouncyCastle). Production gives it in
 * {@code spgateway.audit.signing-key} (base64 32-byte seed, from the environment or a secret file); the embedded
 * default generates one once and keeps it beside the database, so checkpoints still verify after a restart.
 * Verification trusts this key's public half, never a key stored with the checkpoints, and, after a key rotation,
 * the public keys listed in {@code spgateway.audit.previous-public-keys} (comma-separated base64), which verify the
 * checkpoints the old key signed.
 */
@Component
public class AuditSigningKey {

    private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);

    private final Ed25519PrivateKeyParameters key;
    private final java.util.List<Ed25519PublicKeyParameters> trusted = new java.util.ArrayList<>();

    public AuditSigningKey(@Value("${spgateway.audit.signing-key:}") String configured,
                           @Value("${spgateway.data-dir:./data}") String dataDir,
                           @Value("${spgateway.audit.previous-public-keys:}") String previous) throws IOException {
        if (!configured.isBlank()) {
            key = new Ed25519PrivateKeyParameters(Base64.getDecoder().decode(configured.trim()), 0);
        } else {
            Path file = Path.of(dataDir, "audit-signing.key");
            if (Files.exists(file)) {
                key = new Ed25519PrivateKeyParameters(Base64.getDecoder().decode(Files.readString(file).trim()), 0);
            } else {
                key = new Ed25519PrivateKeyParameters(new SecureRandom());
                org.spgateway.gateway.config.SecretFiles.write(file, Base64.getEncoder().encodeToString(key.getEncoded()));
                log.info("Generated the audit signing key at {} (embedded default); production sets spgateway.audit.signing-key", file);
            }
        }
        log.info("Audit checkpoints are signed with Ed25519 public key {}", publicKey());
        trust(previous);
    }

    private void trust(String previous) {
        for (String text : previous.split(",")) {
            if (text.isBlank()) {
                continue;
            }
            try {
                trusted.add(new Ed25519PublicKeyParameters(Base64.getDecoder().decode(text.trim()), 0));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("spgateway.audit.previous-public-keys: '" + text.trim() + "' is not a base64"
                        + " Ed25519 public key (32 bytes), as logged at start-up by the node that used it");
            }
        }
    }

    public String publicKey() {
        return Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
    }

    String sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return Base64.getEncoder().encodeToString(signer.generateSignature());
    }

    boolean verify(byte[] message, String signature) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        java.util.List<Ed25519PublicKeyParameters> keys = new java.util.ArrayList<>();
        keys.add(key.generatePublicKey());
        keys.addAll(trusted);
        for (Ed25519PublicKeyParameters publicKey : keys) {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, publicKey);
            verifier.update(message, 0, message.length);
            if (verifier.verifySignature(decoded)) {
                return true;
            }
        }
        return false;
    }
}
