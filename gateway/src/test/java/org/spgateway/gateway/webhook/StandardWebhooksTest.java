package org.spgateway.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {

    // The published Standard Webhooks test vector (standard-webhooks/standard-webhooks, libraries' test suites).
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant AT_VECTOR_TIME = Instant.ofEpochSecond(TIMESTAMP);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @Test
    void signsThePublishedTestVectorExactly() {
        assertThat(StandardWebhooks.signV1(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
        assertThat(StandardWebhooks.signV1(SECRET.substring(6), ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void verifiesThePublishedTestVectorAmongOtherSignatures() {
        var result = StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), "v1,bm9wZQ== " + EXPECTED, BODY,
                List.of(SECRET), List.of(), AT_VECTOR_TIME, FIVE_MINUTES);
        assertThat(result.valid()).isTrue();
    }

    @Test
    void refusesATamperedBody() {
        var result = StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), EXPECTED, "{\"test\": 2432232315}".getBytes(),
                List.of(SECRET), List.of(), AT_VECTOR_TIME, FIVE_MINUTES);
        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).contains("no signature");
    }

    @Test
    void refusesATimestampOutsideTheReplayWindow() {
        var result = StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), EXPECTED, BODY, List.of(SECRET), List.of(),
                AT_VECTOR_TIME.plus(Duration.ofMinutes(6)), FIVE_MINUTES);
        assertThat(result.valid()).isFalse();
        assertThat(result.reason()).contains("webhook-timestamp");
    }

    @Test
    void acceptsEitherOfTwoSecretsDuringRotation() {
        var result = StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), EXPECTED, BODY,
                List.of("whsec_" + Base64.getEncoder().encodeToString("new-secret-0123456789".getBytes()), SECRET),
                List.of(), AT_VECTOR_TIME, FIVE_MINUTES);
        assertThat(result.valid()).isTrue();
    }

    @Test
    void ed25519SignaturesVerifyWithThePublicKeyOnly() {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        String publicKey = Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
        String signature = StandardWebhooks.signV1a(key, ID, TIMESTAMP, BODY);
        assertThat(signature).startsWith("v1a,");
        assertThat(StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), signature, BODY, List.of(), List.of(publicKey),
                AT_VECTOR_TIME, FIVE_MINUTES).valid()).isTrue();
        Ed25519PrivateKeyParameters other = new Ed25519PrivateKeyParameters(new SecureRandom());
        String otherKey = Base64.getEncoder().encodeToString(other.generatePublicKey().getEncoded());
        assertThat(StandardWebhooks.verify(ID, Long.toString(TIMESTAMP), signature, BODY, List.of(), List.of(otherKey),
                AT_VECTOR_TIME, FIVE_MINUTES).valid()).isFalse();
    }
}
