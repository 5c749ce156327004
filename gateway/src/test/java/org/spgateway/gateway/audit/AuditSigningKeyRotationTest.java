package org.spgateway.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the audit checkpoint key: checkpoints signed by the old key still verify once its public key is trusted. */
class AuditSigningKeyRotationTest {

    @TempDir
    Path dataDir;

    private static String seed() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return Base64.getEncoder().encodeToString(seed);
    }

    @Test
    void oldCheckpointsVerifyWithTheOldPublicKeyListedAndOnlyThen() throws Exception {
        byte[] checkpoint = "checkpoint 100 abcdef".getBytes(StandardCharsets.UTF_8);
        AuditSigningKey old = new AuditSigningKey(seed(), dataDir.toString(), "");
        String signedByOld = old.sign(checkpoint);

        String newSeed = seed();
        AuditSigningKey rotatedWithoutTrust = new AuditSigningKey(newSeed, dataDir.toString(), "");
        AuditSigningKey rotated = new AuditSigningKey(newSeed, dataDir.toString(), " " + old.publicKey() + " ,");

        assertThat(rotatedWithoutTrust.verify(checkpoint, signedByOld)).as("the old key's checkpoint, untrusted").isFalse();
        assertThat(rotated.verify(checkpoint, signedByOld)).isTrue();
        assertThat(rotated.verify(checkpoint, rotated.sign(checkpoint))).isTrue();
        assertThat(rotated.verify("checkpoint 100 abcdeF".getBytes(StandardCharsets.UTF_8), signedByOld))
                .as("another message").isFalse();
    }

    @Test
    void aMalformedPreviousKeyStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new AuditSigningKey(seed(), dataDir.toString(), "not-a-key!"))
                .hasMessageContaining("spgateway.audit.previous-public-keys");
    }
}
