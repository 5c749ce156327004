package org.spgateway.conformance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a VCS organisation does, written from the Standard Webhooks specification alone (no gateway code): verify
 * the webhooks it receives and sign the events it posts.
 */
public final class VcsOrganisation {

    private final String id;
    private final String secret;
    private final String gatewayBase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();

    public VcsOrganisation(String id, String secret, String gatewayBase) {
        this.id = id;
        this.secret = secret;
        this.gatewayBase = gatewayBase;
    }

    public static String newSecret() {
        byte[] key = new byte[24];
        new java.security.SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** The receiver's check: some v1 signature in the header matches HMAC-SHA256(secret, id.timestamp.body). */
    public boolean verifies(String webhookId, String timestamp, String signatureHeader, byte[] body) throws Exception {
        byte[] expected = Base64.getDecoder().decode(sign(webhookId, timestamp, body).substring(3));
        for (String part : signatureHeader.split(" ")) {
            if (part.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
                return true;
            }
        }
        return false;
    }

    public HttpResponse<String> postEvent(String json) throws Exception {
        return postEvent(json, "evt_" + UUID.randomUUID());
    }

    /** Posts an event under a chosen webhook-id: a sender that got no answer sends it again under the same id. */
    public HttpResponse<String> postEvent(String json, String webhookId) throws Exception {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(gatewayBase + "/vcs/v1/events"))
                .header("Content-Type", "application/json").header("webhook-organisation", id)
                .header("webhook-id", webhookId).header("webhook-timestamp", timestamp)
                .header("webhook-signature", sign(webhookId, timestamp, body))
                .timeout(java.time.Duration.ofSeconds(60)) // longer than the gateway's 30 s wait for a database connection
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String sign(String webhookId, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }
}
