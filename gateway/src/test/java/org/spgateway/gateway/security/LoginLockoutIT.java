package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.Logins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/** Password guessing on the IG and operator logins locks the name for a while, and the lock is audited. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}",
                "spgateway.security.login-lockout.max-failures=3", "spgateway.security.login-lockout.lock-duration=3s"})
class LoginLockoutIT {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    private int status(String path, String user, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", Logins.basic(user, password)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private int audited(String type, String like) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = ? AND details LIKE ?",
                Integer.class, type, like);
    }

    @Test
    void wrongPasswordsLockTheLoginEvenAgainstTheRightOneUntilTheLockEnds() throws Exception {
        String igLead = demo.passwords().get("ig-lead");
        assertThat(status("/ig/v1/audit/verify", "ig-lead", igLead)).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(status("/ig/v1/audit/verify", "ig-lead", "guess-" + i)).isEqualTo(401);
        }
        assertThat(audited("auth.locked", "%ig-lead%")).isEqualTo(1);
        assertThat(status("/ig/v1/audit/verify", "ig-lead", igLead)).as("locked: the right password is refused too").isEqualTo(401);
        assertThat(status("/ig/v1/audit/verify", "IG-Lead ", igLead)).as("the same name however written").isEqualTo(401);
        assertThat(status("/operator/dead-letters", "operator", demo.passwords().get("operator")))
                .as("another login is unaffected").isEqualTo(200);
        Thread.sleep(3500);
        assertThat(status("/ig/v1/audit/verify", "ig-lead", igLead)).as("the lock has ended").isEqualTo(200);
    }

    @Test
    void aNameThatDoesNotExistLocksTheSameWaySoALockRevealsNoAccount() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(status("/ig/v1/audit", "nobody-here", "guess-" + i)).isEqualTo(401);
        }
        assertThat(audited("auth.locked", "%nobody-here%")).isEqualTo(1);
        assertThat(status("/ig/v1/audit", "nobody-here", "guess-4")).isEqualTo(401);
        assertThat(audited("auth.failed", "%LockedException%")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSuccessfulLoginClearsEarlierFailures() throws Exception {
        String operator = demo.passwords().get("operator");
        for (int round = 0; round < 3; round++) {
            assertThat(status("/operator/dead-letters", "operator", "wrong")).isEqualTo(401);
            assertThat(status("/operator/dead-letters", "operator", "wrong")).isEqualTo(401);
            assertThat(status("/operator/dead-letters", "operator", operator)).as("round %d", round).isEqualTo(200);
        }
        assertThat(audited("auth.locked", "%\"operator\"%")).isZero();
    }
}
