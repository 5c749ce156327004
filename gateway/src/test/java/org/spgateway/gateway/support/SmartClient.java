package org.spgateway.gateway.support;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A GP system as SMART Backend Services sees it, for tests: signs client assertions with the test keys
 * (src/test/resources/smart, registered in src/test/resources/config/application.yml), gets access tokens from the
 * gateway's token endpoint, and adds them to HAPI client and plain HTTP requests, renewing them before they expire.
 */
public final class SmartClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JWKSet KEYS = load();

    private final String base;
    private final String clientId;
    private final String keyId;
    private final String scope;
    private String token;
    private Instant expires = Instant.EPOCH;

    private SmartClient(String base, String clientId, String keyId, String scope) {
        this.base = base;
        this.clientId = clientId;
        this.keyId = keyId;
        this.scope = scope;
    }

    /** The Elm Street practice's GP system, with every scope it is registered for. */
    public static SmartClient testGp(int port) {
        return new SmartClient("http://localhost:" + port, "test-gp", "test-gp-ec-1", "system/*.read system/*.write");
    }

    public static SmartClient of(int port, String clientId, String keyId, String scope) {
        return new SmartClient("http://localhost:" + port, clientId, keyId, scope);
    }

    private static JWKSet load() {
        try (InputStream in = SmartClient.class.getResourceAsStream("/smart/test-keys.private.jwks.json")) {
            return JWKSet.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("test keys", e);
        }
    }

    /** A client assertion as the SMART specification describes it; parameters let tests break one rule at a time. */
    public String assertion(String audience, Instant exp, String jti) {
        return assertion(clientId, keyId, audience, exp, jti);
    }

    public static String assertion(String clientId, String keyId, String audience, Instant exp, String jti) {
        JWK key = KEYS.getKeyByKeyId(keyId);
        try {
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(keyId).type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                    new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                            .expirationTime(Date.from(exp)).jwtID(jti).build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String tokenUrl() {
        return base + "/oauth/token";
    }

    /** Posts to the token endpoint. */
    public HttpResponse<String> requestToken(String assertion, String scope) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_assertion_type="
                + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A valid access token, renewed 30 s before it expires. */
    public synchronized String token() {
        if (token == null || Instant.now().isAfter(expires.minusSeconds(30))) {
            try {
                HttpResponse<String> response = requestToken(
                        assertion(tokenUrl(), Instant.now().plusSeconds(240), UUID.randomUUID().toString()), scope);
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
                }
                JsonNode body = JSON.readTree(response.body());
                token = body.get("access_token").asText();
                expires = Instant.now().plusSeconds(body.get("expires_in").asLong());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return token;
    }

    public String authorization() {
        return "Bearer " + token();
    }

    /** Adds the bearer token to a plain HTTP request. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        return request.header("Authorization", authorization());
    }

    /** Adds the bearer token to every request of a HAPI client. */
    public IClientInterceptor hapi() {
        return new IClientInterceptor() {
            @Override
            public void interceptRequest(IHttpRequest request) {
                request.addHeader("Authorization", authorization());
            }

            @Override
            public void interceptResponse(IHttpResponse response) {
                // nothing to do
            }
        };
    }
}
