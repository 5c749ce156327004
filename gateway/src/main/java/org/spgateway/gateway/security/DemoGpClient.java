package org.spgateway.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The embedded default's demo GP system, {@code demo-gp}: its RSA private key lives in
 * {@code <data-dir>/demo-gp-client.pem} (PKCS#8, so {@code openssl} and {@code tools/smart-token.sh} can sign
 * RS384 assertions with it) and its public key is registered like any other client's.
 */
public final class DemoGpClient {

    public static final String CLIENT_ID = "demo-gp";
    public static final String KEY_FILE = "demo-gp-client.pem";

    private DemoGpClient() {
    }

    static SmartProperties.Client registration(Path dataDir, String practice) throws IOException {
        RSAKey key = key(dataDir);
        return new SmartProperties.Client(CLIENT_ID, practice, List.of("system/*.read", "system/*.write"),
                new JWKSet(key.toPublicJWK()).toString(), null);
    }

    /** The demo client's key, generated on first use. */
    public static RSAKey key(Path dataDir) throws IOException {
        Path file = dataDir.resolve(KEY_FILE);
        try {
            RSAPrivateCrtKey privateKey;
            if (Files.exists(file)) {
                String pem = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            } else {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                privateKey = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
                org.spgateway.gateway.config.SecretFiles.write(file, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
            }
            RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new RSAKey.Builder(publicKey).privateKey(privateKey).keyID("demo-gp-1").build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read or create the demo GP client key " + file, e);
        }
    }

    /** A client assertion signed with the demo key, for the gateway's own demo seeding. */
    public static String assertion(Path dataDir, String tokenUrl) throws IOException {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID("demo-gp-1").type(JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().issuer(CLIENT_ID).subject(CLIENT_ID).audience(tokenUrl)
                            .expirationTime(Date.from(Instant.now().plusSeconds(240))).jwtID(UUID.randomUUID().toString()).build());
            jwt.sign(new RSASSASigner(key(dataDir)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
