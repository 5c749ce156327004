package org.spgateway.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * SMART Backend Services tokens. A client authenticates with a {@code private_key_jwt} assertion signed RS384 or
 * ES384 by a key in its registered JWKS; the assertion must name this token endpoint as audience, expire no more
 * than five minutes ahead, and carry a {@code jti} never seen before (kept in the database, so every node of a
 * deployment refuses a replay). It gets an access token that lives at most 300 s, confined to its practice and to
 * the scopes both requested and registered.
 */
@Component
public class SmartTokens {

    /** Clock skew allowed on assertion times. */
    static final Duration SKEW = Duration.ofSeconds(30);
    static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);

    /** A registered client, its keys parsed. */
    public record RegisteredClient(String clientId, String practice, SmartScopes allowed, JWKSet keys) {
    }

    /** Whoever a valid access token speaks for. */
    public record Caller(String clientId, String practice, SmartScopes scopes, Instant expires) {
    }

    /** A refusal in RFC 6749 terms: {@code error} code and a description safe to show the client. */
    public static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String error;
        private final int status;

        Refusal(int status, String error, String description) {
            super(description);
            this.error = error;
            this.status = status;
        }

        public String error() {
            return error;
        }

        public int status() {
            return status;
        }
    }

    /** A token issued. */
    public record Issued(String accessToken, long expiresIn, String scope) {
    }

    private final Map<String, RegisteredClient> clients = new LinkedHashMap<>();
    private final byte[] tokenKey;
    /** The signing key first, then keys kept only to verify tokens signed before a rotation. */
    private final List<byte[]> verificationKeys = new java.util.ArrayList<>();
    private final Duration lifetime;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Path dataDir;

    public SmartTokens(SmartProperties properties, DirectoryProperties directory, JdbcTemplate jdbc, Clock clock,
                       @Value("${spgateway.data-dir:./data}") String dataDir) throws IOException {
        this.jdbc = jdbc;
        this.clock = clock;
        this.dataDir = Path.of(dataDir);
        if (properties.tokenLifetime().compareTo(Duration.ofSeconds(300)) > 0 || properties.tokenLifetime().isNegative()
                || properties.tokenLifetime().isZero()) {
            throw new IllegalStateException("spgateway.security.smart.token-lifetime must be between 1s and 300s"
                    + " (SMART Backend Services), was " + properties.tokenLifetime());
        }
        this.lifetime = properties.tokenLifetime();
        this.tokenKey = tokenKey(properties.tokenKey(), Path.of(dataDir));
        verificationKeys.add(tokenKey);
        for (int i = 0; i < properties.previousTokenKeys().size(); i++) {
            verificationKeys.add(decodeKey(properties.previousTokenKeys().get(i),
                    "spgateway.security.smart.previous-token-keys[" + i + "]"));
        }
        List<SmartProperties.Client> configured = new java.util.ArrayList<>(properties.clients());
        if (properties.demoClient() && !directory.practices().isEmpty()) {
            configured.add(DemoGpClient.registration(Path.of(dataDir), directory.practices().get(0).id()));
        }
        for (int i = 0; i < configured.size(); i++) {
            RegisteredClient client = register(configured.get(i), "spgateway.security.smart.clients[" + i + "]", directory);
            if (clients.putIfAbsent(client.clientId(), client) != null) {
                throw new IllegalStateException("spgateway.security.smart.clients[" + i + "].client-id '"
                        + client.clientId() + "' is registered twice");
            }
        }
    }

    /** A client assertion from the demo GP system, whose key lives in this gateway's data directory. */
    public String demoAssertion(String tokenUrl) throws IOException {
        return DemoGpClient.assertion(dataDir, tokenUrl);
    }

    public Map<String, RegisteredClient> clients() {
        return Map.copyOf(clients);
    }

    private static RegisteredClient register(SmartProperties.Client c, String key, DirectoryProperties directory)
            throws IOException {
        if (c.clientId() == null || c.clientId().isBlank()) {
            throw new IllegalStateException(key + ".client-id is empty");
        }
        if (c.practice() == null || directory.practice(c.practice()).isEmpty()) {
            throw new IllegalStateException(key + ".practice '" + c.practice() + "' is not a practice in"
                    + " spgateway.directory.practices: name the practice this client acts for");
        }
        SmartScopes allowed;
        try {
            allowed = SmartScopes.parse(String.join(" ", c.scopes()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ".scopes: " + e.getMessage(), e);
        }
        if (allowed.isEmpty()) {
            throw new IllegalStateException(key + ".scopes is empty: list what the client may do, e.g."
                    + " system/ServiceRequest.write system/Task.read");
        }
        String json = c.jwks() != null && !c.jwks().isBlank() ? c.jwks()
                : c.jwksFile() != null ? Files.readString(Path.of(c.jwksFile())) : null;
        if (json == null) {
            throw new IllegalStateException(key + ": give the client's public keys in jwks (JWKS JSON) or jwks-file");
        }
        JWKSet keys;
        try {
            keys = JWKSet.parse(json).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IllegalStateException(key + ".jwks is not a JWKS document: " + e.getMessage(), e);
        }
        for (JWK jwk : keys.getKeys()) {
            boolean ok = jwk instanceof RSAKey rsa && rsa.size() >= 2048
                    || jwk instanceof ECKey ec && Curve.P_384.equals(ec.getCurve());
            if (!ok) {
                throw new IllegalStateException(key + ".jwks key '" + jwk.getKeyID()
                        + "' must be RSA (2048 bits or more, for RS384) or EC P-384 (for ES384)");
            }
        }
        if (keys.getKeys().isEmpty()) {
            throw new IllegalStateException(key + ".jwks holds no keys");
        }
        return new RegisteredClient(c.clientId(), c.practice(), allowed, keys);
    }

    private static byte[] tokenKey(String configured, Path dataDir) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return decodeKey(configured, "spgateway.security.smart.token-key");
        }
        Path file = dataDir.resolve("smart-token.key");
        if (Files.exists(file)) {
            return Base64.getDecoder().decode(Files.readString(file).trim());
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        org.spgateway.gateway.config.SecretFiles.write(file, Base64.getEncoder().encodeToString(key));
        return key;
    }

    private static byte[] decodeKey(String configured, String name) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(configured.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not base64: generate one with `openssl rand -base64 32`");
        }
        if (key.length < 32) {
            throw new IllegalStateException(name + " must decode to at least 32 bytes: generate one with `openssl rand -base64 32`");
        }
        return key;
    }

    /**
     * The token endpoint's work: checks the client assertion and issues an access token.
     *
     * @param tokenUrl the token endpoint's own URL, which the assertion must name as audience
     */
    public Issued issue(String grantType, String assertionType, String assertion, String scope, String tokenUrl) {
        if (!"client_credentials".equals(grantType)) {
            throw new Refusal(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(assertionType) || assertion == null) {
            throw new Refusal(400, "invalid_request", "client_assertion_type must be"
                    + " urn:ietf:params:oauth:client-assertion-type:jwt-bearer, with a client_assertion");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Refusal(400, "invalid_client", "client_assertion is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS384.equals(header.getAlgorithm()) && !JWSAlgorithm.ES384.equals(header.getAlgorithm())) {
            throw new Refusal(401, "invalid_client", "client_assertion must be signed RS384 or ES384");
        }
        RegisteredClient client = clients.get(claims.getIssuer());
        if (client == null || !client.clientId().equals(claims.getSubject())) {
            throw new Refusal(401, "invalid_client", "iss and sub must both be a registered client_id");
        }
        if (!verifies(jwt, client.keys())) {
            throw new Refusal(401, "invalid_client", "client_assertion signature does not verify with the client's registered keys");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(tokenUrl)) {
            throw new Refusal(401, "invalid_client", "aud must be the token endpoint, " + tokenUrl);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refusal(401, "invalid_client", "client_assertion has no exp");
        }
        if (exp.toInstant().isBefore(now.minus(SKEW))) {
            throw new Refusal(401, "invalid_client", "client_assertion has expired");
        }
        if (exp.toInstant().isAfter(now.plus(MAX_ASSERTION_LIFETIME).plus(SKEW))) {
            throw new Refusal(401, "invalid_client", "client_assertion exp must be no more than 5 minutes ahead");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > 255) {
            throw new Refusal(401, "invalid_client", "client_assertion needs a jti (at most 255 characters)");
        }
        rememberJti(client.clientId(), jti, exp.toInstant().plus(SKEW));
        SmartScopes requested;
        try {
            requested = SmartScopes.parse(scope);
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "invalid_scope", e.getMessage());
        }
        SmartScopes granted = client.allowed().grant(requested);
        if (granted.isEmpty()) {
            throw new Refusal(400, "invalid_scope", "none of the requested scopes is registered for this client");
        }
        return new Issued(sign(client, granted, now), lifetime.toSeconds(), granted.toString());
    }

    private static boolean verifies(SignedJWT jwt, JWKSet keys) {
        String kid = jwt.getHeader().getKeyID();
        for (JWK jwk : keys.getKeys()) {
            if (kid != null && jwk.getKeyID() != null && !kid.equals(jwk.getKeyID())) {
                continue;
            }
            try {
                JWSVerifier verifier = jwk instanceof RSAKey rsa && JWSAlgorithm.RS384.equals(jwt.getHeader().getAlgorithm())
                        ? new RSASSAVerifier(rsa)
                        : jwk instanceof ECKey ec && JWSAlgorithm.ES384.equals(jwt.getHeader().getAlgorithm())
                        ? new ECDSAVerifier(ec) : null;
                if (verifier != null && jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException e) {
                // try the next key
            }
        }
        return false;
    }

    /** Records the assertion's jti; a second use, on any node, is refused. */
    private void rememberJti(String clientId, String jti, Instant keepUntil) {
        // expired ids can never be replayed (their assertions are refused as expired): drop them first (indexed)
        jdbc.update("DELETE FROM oauth_assertion_jti WHERE expires_at < ?", Timestamp.from(clock.instant()));
        try {
            jdbc.update("INSERT INTO oauth_assertion_jti (client_id, jti, expires_at) VALUES (?, ?, ?)",
                    clientId, jti, Timestamp.from(keepUntil));
        } catch (DuplicateKeyException e) {
            throw new Refusal(401, "invalid_client", "client_assertion jti has been used before");
        }
    }

    private String sign(RegisteredClient client, SmartScopes scopes, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("spgateway").subject(client.clientId()).claim("practice", client.practice())
                .claim("scope", scopes.toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(tokenKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign access token", e);
        }
        return jwt.serialize();
    }

    /** The caller an access token speaks for, if the token is genuine, unexpired and its client still registered. */
    public Optional<Caller> verify(String accessToken) {
        try {
            SignedJWT jwt = SignedJWT.parse(accessToken);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !signedByAKnownKey(jwt)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant exp = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
            RegisteredClient client = clients.get(claims.getSubject());
            if (exp == null || !exp.isAfter(clock.instant()) || client == null
                    || !client.practice().equals(claims.getStringClaim("practice"))) {
                return Optional.empty();
            }
            return Optional.of(new Caller(client.clientId(), client.practice(),
                    SmartScopes.parse(claims.getStringClaim("scope")), exp));
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private boolean signedByAKnownKey(SignedJWT jwt) throws JOSEException {
        for (byte[] key : verificationKeys) {
            if (jwt.verify(new MACVerifier(key))) {
                return true;
            }
        }
        return false;
    }
}
