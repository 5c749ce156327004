package org.spgateway.gateway.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnCipherTest {

    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":\"9000000009\"}],"
            + "\"name\":[{\"family\":\"Smith\"}]}";

    @TempDir
    Path dataDir;

    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    static ColumnCipher cipher(String active, Map<String, String> keys) throws Exception {
        return new ColumnCipher(new EncryptionProperties(keys, active, true, 200), "unused");
    }

    @Test
    void sealsWithAFreshNonceSoNoTwoSealedValuesAreAlikeAndOpensThemAgain() throws Exception {
        ColumnCipher cipher = cipher(null, Map.of("k1", newKey()));
        String a = cipher.seal(PATIENT, "fhir_resource:Patient/1/1");
        String b = cipher.seal(PATIENT, "fhir_resource:Patient/1/1");
        assertThat(a).startsWith("ENC1:k1:").isNotEqualTo(b).doesNotContain("9000000009", "Smith");
        assertThat(cipher.open(a, "fhir_resource:Patient/1/1")).isEqualTo(PATIENT);
        assertThat(cipher.open(b, "fhir_resource:Patient/1/1")).isEqualTo(PATIENT);
        assertThat(ColumnCipher.keyIdOf(a)).isEqualTo("k1");
    }

    @Test
    void compressesALargeValueBeforeSealingItAndRefusesItsFormatChanged() throws Exception {
        ColumnCipher cipher = cipher(null, Map.of("k1", newKey()));
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"entry\":[");
        for (int i = 0; i < 40; i++) {
            json.append(i == 0 ? "" : ",").append(PATIENT);
        }
        String large = json.append("]}").toString();
        String sealed = cipher.seal(large, "fhir_resource:Bundle/1/1");
        assertThat(sealed).startsWith("ENC2:k1:").doesNotContain("9000000009", "Smith");
        String uncompressed = cipher.seal(PATIENT, "ctx");
        assertThat(uncompressed).as("a short value is sealed as it is").startsWith("ENC1:k1:");
        assertThat(sealed.length()).as("compressed before encryption").isLessThan(large.length() / 4);
        assertThat(cipher.open(sealed, "fhir_resource:Bundle/1/1")).isEqualTo(large);
        assertThat(ColumnCipher.keyIdOf(sealed)).isEqualTo("k1");

        // the format is authenticated: the same ciphertext under the other prefix does not open
        assertThatThrownBy(() -> cipher.open("ENC1:" + sealed.substring(5), "fhir_resource:Bundle/1/1"))
                .isInstanceOf(TamperedValueException.class);
        assertThatThrownBy(() -> cipher.open("ENC2:" + uncompressed.substring(5), "ctx"))
                .isInstanceOf(TamperedValueException.class);
        assertThatThrownBy(() -> cipher.open(sealed, "fhir_resource:Bundle/2/1")).isInstanceOf(TamperedValueException.class);
        byte[] raw = Base64.getDecoder().decode(sealed.substring("ENC2:k1:".length()));
        raw[30] ^= 1;
        assertThatThrownBy(() -> cipher.open("ENC2:k1:" + Base64.getEncoder().encodeToString(raw), "fhir_resource:Bundle/1/1"))
                .isInstanceOf(TamperedValueException.class);
    }

    @Test
    void refusesAValueMovedToAnotherRowOrAlteredWithoutShowingItsContent() throws Exception {
        ColumnCipher cipher = cipher(null, Map.of("k1", newKey()));
        String sealed = cipher.seal(PATIENT, "fhir_resource:Patient/1/1");
        assertThatThrownBy(() -> cipher.open(sealed, "fhir_resource:Patient/2/1"))
                .isInstanceOf(TamperedValueException.class).hasMessageContaining("Patient/2/1")
                .hasMessageNotContaining("Smith");
        assertThatThrownBy(() -> cipher.open(sealed, "fhir_resource:Patient/1/2")).isInstanceOf(TamperedValueException.class);
        byte[] raw = Base64.getDecoder().decode(sealed.substring("ENC1:k1:".length()));
        raw[20] ^= 1;
        String flipped = "ENC1:k1:" + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> cipher.open(flipped, "fhir_resource:Patient/1/1")).isInstanceOf(TamperedValueException.class);
        assertThatThrownBy(() -> cipher.open("ENC1:k1:AAAA", "x")).isInstanceOf(TamperedValueException.class);
        assertThatThrownBy(() -> cipher.open("ENC1:k1:not base64!", "x")).isInstanceOf(TamperedValueException.class);
    }

    @Test
    void aNewActiveKeyStillOpensWhatTheOldKeySealedAndAKeyLeftOutCannot() throws Exception {
        String k1 = newKey();
        String k2 = newKey();
        String old = cipher(null, Map.of("k1", k1)).seal(PATIENT, "ctx");
        Map<String, String> both = new LinkedHashMap<>();
        both.put("k1", k1);
        both.put("k2", k2);
        ColumnCipher rotated = cipher("k2", both);
        assertThat(rotated.open(old, "ctx")).isEqualTo(PATIENT);
        assertThat(rotated.seal(PATIENT, "ctx")).startsWith("ENC1:k2:");
        assertThatThrownBy(() -> cipher(null, Map.of("k2", k2)).open(old, "ctx"))
                .isInstanceOf(TamperedValueException.class).hasMessageContaining("key 'k1'");
        // the same id with another key: not a key at all for this value
        assertThatThrownBy(() -> cipher(null, Map.of("k1", newKey())).open(old, "ctx")).isInstanceOf(TamperedValueException.class);
    }

    @Test
    void readsValuesStoredBeforeEncryptionAsTheyAre() throws Exception {
        ColumnCipher cipher = cipher(null, Map.of("k1", newKey()));
        assertThat(cipher.open(PATIENT, "ctx")).isEqualTo(PATIENT);
        assertThat(cipher.open(null, "ctx")).isNull();
        assertThat(ColumnCipher.keyIdOf(PATIENT)).isNull();
    }

    @Test
    void blindTokensAreStablePerKeyDifferAcrossKeysAndSearchesCoverEveryKeyAndTheClearValue() throws Exception {
        String k1 = newKey();
        ColumnCipher one = cipher(null, Map.of("k1", k1));
        String token = one.blindToken("9000000009");
        assertThat(token).startsWith("bi1:k1:").doesNotContain("9000000009").isEqualTo(one.blindToken("9000000009"))
                .isNotEqualTo(one.blindToken("9000000017"));
        assertThat(token.length()).isLessThan(255);
        assertThat(cipher(null, Map.of("k1", newKey())).blindToken("9000000009")).isNotEqualTo(token);
        Map<String, String> both = new LinkedHashMap<>();
        both.put("k1", k1);
        both.put("k2", newKey());
        ColumnCipher rotated = cipher("k2", both);
        assertThat(rotated.searchTokens("9000000009")).containsExactly(token, rotated.blindToken("9000000009"), "9000000009");
        assertThat(rotated.activeTokenPrefix()).isEqualTo("bi1:k2:");
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKeyAndTheFix() {
        assertThatThrownBy(() -> cipher(null, Map.of("k1", "not base64!")))
                .hasMessageContaining("spgateway.encryption.keys.k1").hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> cipher(null, Map.of("k1", Base64.getEncoder().encodeToString(new byte[16]))))
                .hasMessageContaining("spgateway.encryption.keys.k1 must decode to 32 bytes (it has 16)");
        assertThatThrownBy(() -> cipher(null, Map.of("k 1", newKey()))).hasMessageContaining("key id 'k 1'");
        assertThatThrownBy(() -> cipher("k3", Map.of("k1", newKey())))
                .hasMessageContaining("spgateway.encryption.active-key 'k3' is not one of spgateway.encryption.keys [k1]");
        Map<String, String> two = new LinkedHashMap<>();
        two.put("k1", newKey());
        two.put("k2", newKey());
        assertThatThrownBy(() -> cipher(null, two)).hasMessageContaining("spgateway.encryption.active-key is unset");
    }

    @Test
    void theEmbeddedDefaultGeneratesOneOwnerOnlyKeyAndKeepsIt() throws Exception {
        EncryptionProperties none = new EncryptionProperties(Map.of(), null, true, 200);
        ColumnCipher first = new ColumnCipher(none, dataDir.toString());
        Path file = dataDir.resolve("encryption.key");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(first.activeKeyId()).isEqualTo("local");
        String sealed = first.seal(PATIENT, "ctx");
        assertThat(new ColumnCipher(none, dataDir.toString()).open(sealed, "ctx")).as("same key after a restart")
                .isEqualTo(PATIENT);
        // the generated key, given as configuration, is the same key
        assertThat(cipher(null, Map.of("local", Files.readString(file).trim())).open(sealed, "ctx")).isEqualTo(PATIENT);
    }
}
