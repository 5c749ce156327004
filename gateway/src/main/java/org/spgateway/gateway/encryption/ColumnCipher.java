package org.spgateway.gateway.encryption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.config.SecretFiles;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Seals column values with AES-256-GCM (the JDK's provider) and computes the blind-index tokens of searchable patient
 * identifiers (HMAC-SHA256), under keys from {@link EncryptionProperties}.
 * <p>
 * A sealed value is {@code ENC1:<key id>:<base64 of 12-byte random nonce, ciphertext and 16-byte tag>}, or, for a
 * value of at least {@value #DEFLATE_FROM} bytes that DEFLATE shrinks, {@code ENC2:} with the same layout over the
 * compressed value (compressed before encryption: a ciphertext cannot be compressed afterwards, by H2 or by
 * PostgreSQL's TOAST; FHIR JSON shrinks to a third or less). The format is bound into the associated data of
 * {@code ENC2}, so a prefix changed from one to the other fails to open. The row it
 * belongs to (e.g. {@code fhir_resource:Patient/123/2}) is bound in as associated data, so a value copied into
 * another row, or edited, fails to open instead of showing the wrong patient's data. Each configured master key is
 * split with HKDF-SHA256 (BouncyCastle: the JDK 17 has no HKDF) into an encryption key, a blind-index key and a key
 * check value, so no key is used for two purposes. Values without the prefix were stored before encryption and are
 * read as they are until the re-encryption ({@link Reencryption}) seals them.
 */
@Component
public class ColumnCipher {

    /** Id of the key the embedded default generates when no key is configured. */
    public static final String GENERATED_KEY_ID = "local";
    static final String PREFIX = "ENC1:";
    static final String DEFLATED_PREFIX = "ENC2:";
    /** Values shorter than this are sealed as they are: DEFLATE saves little on them. */
    static final int DEFLATE_FROM = 200;
    /** The most an {@code ENC2} value may inflate to (far above any stored resource; a guard, not a limit in use). */
    private static final int INFLATED_MAX = 64 << 20;
    static final String TOKEN_PREFIX = "bi1:";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Logger log = LoggerFactory.getLogger(ColumnCipher.class);

    private record Key(SecretKeySpec encryption, SecretKeySpec index, String check) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final String active;
    private final SecureRandom random = new SecureRandom();

    public ColumnCipher(EncryptionProperties properties, @Value("${spgateway.data-dir:./data}") String dataDir) throws IOException {
        Map<String, String> configured = properties.keys();
        if (configured.isEmpty()) {
            keys.put(GENERATED_KEY_ID, derive(generatedKey(Path.of(dataDir))));
            if (properties.activeKey() != null && !properties.activeKey().isBlank()
                    && !GENERATED_KEY_ID.equals(properties.activeKey())) {
                throw new IllegalStateException("spgateway.encryption.active-key '" + properties.activeKey()
                        + "' names no key: spgateway.encryption.keys is empty (give the key under that id)");
            }
            active = GENERATED_KEY_ID;
            return;
        }
        configured.forEach((id, text) -> {
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException("spgateway.encryption.keys: key id '" + id
                        + "' must be 1-32 letters, digits, '-' or '_'");
            }
            keys.put(id, derive(decode(text, "spgateway.encryption.keys." + id)));
        });
        if (properties.activeKey() == null || properties.activeKey().isBlank()) {
            if (keys.size() > 1) {
                throw new IllegalStateException("spgateway.encryption.active-key is unset but spgateway.encryption.keys"
                        + " holds " + keys.size() + " keys " + keys.keySet() + ": name the one new data is sealed with");
            }
            active = keys.keySet().iterator().next();
        } else if (!keys.containsKey(properties.activeKey())) {
            throw new IllegalStateException("spgateway.encryption.active-key '" + properties.activeKey()
                    + "' is not one of spgateway.encryption.keys " + keys.keySet());
        } else {
            active = properties.activeKey();
        }
    }

    /** The id of the key new values are sealed with. */
    public String activeKeyId() {
        return active;
    }

    /** The ids of every key this node holds, the active one included. */
    public java.util.Set<String> keyIds() {
        return java.util.Collections.unmodifiableSet(keys.keySet());
    }

    /** A value that proves which key an id stands for without revealing it (stored in {@code encryption_key}). */
    String checkValue(String keyId) {
        return key(keyId).check();
    }

    /**
     * Seals a value under the active key.
     *
     * @param context the row the value belongs to, bound in as associated data; the same must be given to open it
     */
    public String seal(String plaintext, String context) {
        byte[] value = plaintext.getBytes(StandardCharsets.UTF_8);
        byte[] deflated = value.length >= DEFLATE_FROM ? deflate(value) : null;
        boolean compressed = deflated != null && deflated.length < value.length - value.length / 10;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(active).encryption(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(context, compressed));
            byte[] sealed = cipher.doFinal(compressed ? deflated : value);
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return (compressed ? DEFLATED_PREFIX : PREFIX) + active + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** The row's context, and for a compressed value the format too (ENC1 values keep the bare context they had). */
    private static byte[] associatedData(String context, boolean compressed) {
        return (compressed ? context + "\u0000deflate" : context).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] deflate(byte[] value) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(value);
            deflater.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length / 3 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] deflated, String context) {
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        try {
            inflater.setInput(deflated);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(deflated.length * 4);
            byte[] buffer = new byte[16384];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new TamperedValueException("The stored value of " + context + " is not a complete compressed value");
                }
                out.write(buffer, 0, n);
                if (out.size() > INFLATED_MAX) {
                    throw new TamperedValueException("The stored value of " + context + " inflates beyond "
                            + INFLATED_MAX + " bytes");
                }
            }
            return out.toByteArray();
        } catch (java.util.zip.DataFormatException e) {
            throw new TamperedValueException("The stored value of " + context + " is not a valid compressed value");
        } finally {
            inflater.end();
        }
    }

    /**
     * Opens a sealed value, or returns a value stored before encryption as it is.
     *
     * @throws TamperedValueException if the value was altered, belongs to another row, or is sealed under a key this
     *                                node does not hold
     */
    public String open(String stored, String context) {
        String prefix = formatOf(stored);
        if (prefix == null) {
            return stored;
        }
        boolean compressed = prefix.equals(DEFLATED_PREFIX);
        int colon = stored.indexOf(':', prefix.length());
        if (colon < 0) {
            throw new TamperedValueException("The stored value of " + context + " is not a sealed value");
        }
        String keyId = stored.substring(prefix.length(), colon);
        Key key = keys.get(keyId);
        if (key == null) {
            throw new TamperedValueException("The stored value of " + context + " is sealed under key '" + keyId
                    + "', which this node does not hold (spgateway.encryption.keys)");
        }
        byte[] value;
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new TamperedValueException("The stored value of " + context + " is truncated");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.encryption(), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(context, compressed));
            value = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new TamperedValueException("The stored value of " + context
                    + " fails authentication: it was altered, or copied from another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
        return new String(compressed ? inflate(value, context) : value, StandardCharsets.UTF_8);
    }

    /** The prefix of a sealed value's format, or null for a value stored before encryption. */
    private static String formatOf(String stored) {
        if (stored == null) {
            return null;
        }
        return stored.startsWith(PREFIX) ? PREFIX : stored.startsWith(DEFLATED_PREFIX) ? DEFLATED_PREFIX : null;
    }

    /** The key id a stored value is sealed under, or null for a value stored before encryption. */
    public static String keyIdOf(String stored) {
        String prefix = formatOf(stored);
        if (prefix == null) {
            return null;
        }
        int colon = stored.indexOf(':', prefix.length());
        return colon < 0 ? null : stored.substring(prefix.length(), colon);
    }

    /** The blind-index token a searchable identifier value is stored as, under the active key. */
    public String blindToken(String value) {
        return token(active, value);
    }

    /**
     * Every token the value may be stored as: one per key this node holds (rows not yet re-indexed keep their old
     * key's token) and the value itself (rows indexed before encryption), so searches find all of them.
     */
    public List<String> searchTokens(String value) {
        List<String> tokens = new java.util.ArrayList<>(keys.size() + 1);
        keys.keySet().forEach(id -> tokens.add(token(id, value)));
        tokens.add(value);
        return tokens;
    }

    /** What every token under the active key starts with: a row not starting so needs re-indexing. */
    public String activeTokenPrefix() {
        return TOKEN_PREFIX + active + ":";
    }

    private String token(String keyId, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key(keyId).index());
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return TOKEN_PREFIX + keyId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    private Key key(String keyId) {
        Key key = keys.get(keyId);
        if (key == null) {
            throw new IllegalArgumentException("No key " + keyId);
        }
        return key;
    }

    private static Key derive(byte[] master) {
        byte[] check = hkdf(master, "spgateway/key-check/v1", 16);
        return new Key(new SecretKeySpec(hkdf(master, "spgateway/column-encryption/v1", 32), "AES"),
                new SecretKeySpec(hkdf(master, "spgateway/blind-index/v1", 32), "HmacSHA256"),
                HexFormat.of().formatHex(check));
    }

    private static byte[] hkdf(byte[] master, String info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(master, null, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    private static byte[] decode(String text, String name) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text == null ? "" : text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64: generate a key with `openssl rand -base64 32`");
        }
        if (key.length != 32) {
            throw new IllegalStateException(name + " must decode to 32 bytes (it has " + key.length
                    + "): generate a key with `openssl rand -base64 32`");
        }
        return key;
    }

    private static byte[] generatedKey(Path dataDir) throws IOException {
        Path file = dataDir.resolve("encryption.key");
        if (Files.exists(file)) {
            return decode(Files.readString(file), file.toString());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretFiles.write(file, Base64.getEncoder().encodeToString(key));
        log.info("Generated the encryption-at-rest key at {} (embedded default); production sets spgateway.encryption.keys",
                file);
        return key;
    }
}
