package org.spgateway.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A GP system's SMART Backend Services token, as the conformance tests get it: an RS384 client assertion signed with
 * the embedded default's demo GP key ({@code <data-dir>/demo-gp-client.pem}), exchanged at {@code /oauth/token}.
 * Fetched again well before it expires.
 */
final class SmartClient {

    private final String tokenUrl;
    private final Path keyFile;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile String token;
    private volatile Instant renewAt = Instant.EPOCH;

    SmartClient(String baseUrl, Path dataDir) {
        this.tokenUrl = baseUrl + "/oauth/token";
        this.keyFile = dataDir.resolve("demo-gp-client.pem");
    }

    synchronized String token() throws Exception {
        if (token == null || Instant.now().isAfter(renewAt)) {
            String form = "grant_type=client_credentials&client_assertion_type="
                    + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                    + "&client_assertion=" + assertion()
                    + "&scope=" + URLEncoder.encode("system/*.read system/*.write", StandardCharsets.UTF_8);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            token = body.get("access_token").asText();
            renewAt = Instant.now().plusSeconds(body.get("expires_in").asLong() / 2);
        }
        return token;
    }

    private String assertion() throws Exception {
        String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS384\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"demo-gp\",\"sub\":\"demo-gp\",\"aud\":\"" + tokenUrl + "\",\"exp\":"
                + (Instant.now().getEpochSecond() + 240) + ",\"jti\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8));
        Signature rs384 = Signature.getInstance("SHA384withRSA");
        rs384.initSign(key);
        rs384.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rs384.sign());
    }
}
