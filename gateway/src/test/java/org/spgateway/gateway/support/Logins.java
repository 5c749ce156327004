package org.spgateway.gateway.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.spgateway.gateway.security.Accounts;

/**
 * Requests to the gateway's people APIs, logged in with the embedded default's demo accounts (whose random passwords
 * the test reads from the running context): {@code /ig/**} as the IG lead, {@code /operator/**} as the operator.
 */
public final class Logins {

    private Logins() {
    }

    public static HttpRequest.Builder request(int port, String path, Accounts.DemoAccounts demo) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        String user = path.startsWith("/operator") ? "operator" : path.startsWith("/ig") ? "ig-lead" : null;
        if (user != null) {
            builder.header("Authorization", basic(user, demo.passwords().get(user)));
        }
        return builder;
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
