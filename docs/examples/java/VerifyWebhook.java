import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a webhook from spgateway (Standard Webhooks, v1 = HMAC-SHA256). JDK only: copy verify() into your
 * receiver and call it with the three headers and the raw body bytes, before you parse the body.
 *
 * Try it on a saved webhook: java VerifyWebhook.java SECRET WEBHOOK_ID WEBHOOK_TIMESTAMP WEBHOOK_SIGNATURE body.json
 */
public class VerifyWebhook {

    /** True when one of the v1 signatures matches and the timestamp is within five minutes of now. */
    static boolean verify(String secret, String id, String timestamp, String signatureHeader, byte[] body)
            throws Exception {
        long sent = Long.parseLong(timestamp);
        if (Math.abs(System.currentTimeMillis() / 1000 - sent) > 300) {
            return false; // too old or from the future: refuse replays
        }
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(body);
        for (String signature : signatureHeader.split(" ")) {
            if (signature.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return true; // constant-time comparison
            }
        }
        return false;
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[4]));
        boolean valid = verify(args[0], args[1], args[2], args[3], body);
        System.out.println(valid ? "valid" : "INVALID");
        System.exit(valid ? 0 : 1);
    }
}
