package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spgateway.gateway.routing.DirectoryProperties;

/** Rotating the access-token key without downtime: the new key signs, the previous one still verifies until removed. */
class SmartTokenKeyRotationTest {

    private static final String JWKS = "{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-384\", \"kid\": \"k1\","
            + " \"x\": \"LyZhKPwYRC0BtfVerIuCd7Qz0p8tfjEoyBq9-k15FzwTogUmIJ8Z313tUTJW6J5T\","
            + " \"y\": \"xjkTqirzl_ulVYy_h_Ae_Y3tFaOoKQVPe1AaL7hyJEml1b5vIil7PjQpAK-5DowO\"}]}";
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dataDir;

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private SmartTokens tokens(String key, List<String> previous) throws Exception {
        SmartProperties properties = new SmartProperties(true, Duration.ofSeconds(300), key, previous, null,
                List.of(new SmartProperties.Client("gp", "practice-a", List.of("system/*.read"), JWKS, null)), false);
        DirectoryProperties directory = new DirectoryProperties(
                List.of(new DirectoryProperties.Practice("practice-a", "A1", "Practice A", null)), List.of());
        return new SmartTokens(properties, directory, null, Clock.fixed(NOW, ZoneOffset.UTC), dataDir.toString());
    }

    /** An access token as a node holding {@code key} issues it. */
    private static String token(String key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("gp")
                .claim("practice", "practice-a").claim("scope", "system/Task.read")
                .expirationTime(Date.from(NOW.plusSeconds(200))).build());
        jwt.sign(new MACSigner(Base64.getDecoder().decode(key)));
        return jwt.serialize();
    }

    @Test
    void duringARotationTokensFromTheOldAndTheNewKeyAreBothAccepted() throws Exception {
        String oldKey = newKey();
        String newKey = newKey();
        SmartTokens before = tokens(oldKey, List.of());
        SmartTokens during = tokens(newKey, List.of(oldKey));
        SmartTokens after = tokens(newKey, List.of());

        assertThat(before.verify(token(oldKey))).isPresent();
        assertThat(before.verify(token(newKey))).as("a node not yet told of the new key").isEmpty();
        assertThat(during.verify(token(oldKey))).as("issued before the switch, still valid").isPresent();
        assertThat(during.verify(token(newKey))).isPresent();
        assertThat(during.verify(token(newKey())).isEmpty()).as("an unknown key").isTrue();
        assertThat(after.verify(token(oldKey))).as("the old key removed").isEmpty();
        assertThat(after.verify(token(newKey)).orElseThrow().clientId()).isEqualTo("gp");
    }

    @Test
    void aBadPreviousKeyStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> tokens(newKey(), List.of("c2hvcnQ=")))
                .hasMessageContaining("spgateway.security.smart.previous-token-keys[0]").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> tokens("not base64!", List.of()))
                .hasMessageContaining("spgateway.security.smart.token-key").hasMessageContaining("base64");
    }
}
