package org.spgateway.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Browser;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's browser demo, as a newcomer walks it, in a real headless Chromium: the gateway started with the demo
 * profile sends the demo referral through its own FHIR endpoint, delivers it by signed webhook over HTTP to the demo
 * VCS inbox, which verifies it; on the inbox page the test clicks Accepted, Contacted, Attending with baseline scores
 * and Completed with final scores (each a signed event to /vcs/v1/events), sees the Task the GP system reads from
 * /fhir move each time, then logs in as the IG lead and finds the status changes in the audit log and the referral on
 * the dashboard. Screenshots of each step are under target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
@ActiveProfiles(resolver = DemoLoopIT.DemoProfile.class)
class DemoLoopIT {

    private static final int PORT = freePort();

    /** The demo profile, after whatever the run asks for (the PostgreSQL run's postgres profile). */
    static final class DemoProfile implements org.springframework.test.context.ActiveProfilesResolver {
        @Override
        public String[] resolve(Class<?> testClass) {
            String asked = System.getProperty("spring.profiles.active", "");
            return asked.isBlank() ? new String[] {"demo"} : new String[] {asked, "demo"};
        }
    }

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        // the demo service's webhook URL is this gateway's own port (application-demo.yml): one chosen free now
        registry.add("server.port", () -> PORT);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    @TempDir
    Path profile;

    private WebDriver browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String base() {
        return "http://localhost:" + PORT;
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> d.findElement(by));
    }

    private String gpStatus(String referral) {
        return browser.findElement(By.cssSelector("#ref-" + referral + " .gp-status")).getText();
    }

    private void click(String referral, String action) {
        click(referral, action, "result");
    }

    /** Clicks an action button and waits for the page to come back with the gateway's answer ({@code result} or {@code error}). */
    private void click(String referral, String action, String answer) {
        // the answer page, not the one the button was on (whose result box from the previous click goes stale)
        Browser.clickAndAwaitNewPage(browser,
                browser.findElement(By.cssSelector("#ref-" + referral + " button[data-action='" + action + "']")),
                Duration.ofSeconds(30));
        waitFor(By.id(answer));
    }

    private void scores(String referral, int life, int worthwhile, int happiness, int anxiety, int swemwbs) {
        String form = "#ref-" + referral + " ";
        for (var field : List.of(new Object[] {"lifeSatisfaction", life}, new Object[] {"worthwhile", worthwhile},
                new Object[] {"happiness", happiness}, new Object[] {"anxiety", anxiety}, new Object[] {"swemwbs", swemwbs})) {
            WebElement input = browser.findElement(By.cssSelector(form + "input[name='" + field[0] + "']"));
            input.clear();
            input.sendKeys(field[1].toString());
        }
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aNewcomerWalksTheWholeLoopInTheBrowser(org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        // the seeded referral reaches the demo inbox by signed webhook
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM demo_vcs_message WHERE event_type = 'referral.created'", Integer.class) > 0);
        String referral = jdbc.queryForObject("SELECT referral_id FROM demo_vcs_message WHERE event_type = 'referral.created'",
                String.class);
        // the relay records the delivery when the receiver's answer is back, which can be a moment after the receiver
        // stored the message
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "SELECT status FROM outbox_message WHERE referral_id = ? AND event_type = 'referral.created'",
                String.class, referral)).as("delivered over HTTP to the demo webhook").isEqualTo("delivered"));

        browser = Browser.start(profile);
        browser.get(base() + "/demo/vcs");
        WebElement card = waitFor(By.id("ref-" + referral));
        assertThat(browser.findElement(By.id("service-name")).getText()).isEqualTo("Leeds Social Prescribing Link Workers");
        // what a link-worker service may see of the demo patient (docs/ig-guide.md): name and NHS number, for example
        assertThat(card.getText()).contains("Margaret").contains("9000000009");
        assertThat(gpStatus(referral)).isEqualTo("requested");
        Browser.screenshot(browser, "demo-1-inbox");

        click(referral, "referral.accepted");
        assertThat(browser.findElement(By.id("result")).getText()).contains("accepted");
        assertThat(gpStatus(referral)).as("the GP system's Task").isEqualTo("accepted");

        click(referral, "referral.contacted");
        assertThat(gpStatus(referral)).isEqualTo("in-progress");
        assertThat(browser.findElement(By.cssSelector("#ref-" + referral + " .gp-business-status")).getText()).isEqualTo("contacted");

        scores(referral, 4, 5, 3, 7, 17);
        click(referral, "referral.attending");
        assertThat(browser.findElement(By.cssSelector("#ref-" + referral + " .gp-business-status")).getText()).isEqualTo("engaged");
        Browser.screenshot(browser, "demo-2-attending");

        scores(referral, 7, 8, 6, 4, 24);
        click(referral, "referral.completed");
        assertThat(browser.findElement(By.id("result")).getText()).contains("completed");
        assertThat(gpStatus(referral)).isEqualTo("completed");
        assertThat(browser.findElement(By.id("sent")).getAttribute("textContent")).contains("\"swemwbs\":{\"total\":24}");
        Browser.screenshot(browser, "demo-3-completed");

        // going back is refused, and the page says why
        click(referral, "referral.contacted", "error");
        assertThat(browser.findElement(By.id("error")).getText()).contains("409");

        // the IG lead sees every step in the audit log, and the dashboard counts it
        browser.get(base() + "/ui/ig?organisation=vcs-leeds-link-workers&type=referral.status-changed");
        browser.findElement(By.id("username")).sendKeys("ig-lead");
        browser.findElement(By.id("password")).sendKeys(demo.passwords().get("ig-lead"));
        browser.findElement(By.id("login")).click();
        List<String> rows = waitFor(By.id("results")).findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows).anyMatch(r -> r.contains("completed")).anyMatch(r -> r.contains("accepted"))
                .anyMatch(r -> r.contains("contacted"));
        Browser.screenshot(browser, "demo-4-audit");
        browser.get(base() + "/ui/dashboard");
        assertThat(waitFor(By.cssSelector("tr[data-service='vcs-leeds-link-workers'] .completed")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.cssSelector("tr[data-measure='swemwbs'] .change")).getText()).isEqualTo("+7.0");
        Browser.screenshot(browser, "demo-5-dashboard");
        // the demo inbox shows the patient's data, as the service's own system would; the gateway's log does not
        assertThat(output.getAll()).doesNotContain("9000000009", "Margaret", "Peggy", "LS6 2", "07700 900123",
                "peggy.smith@example.org");
    }

    @Test
    void theDemoInboxRefusesAWebhookItCannotVerify() throws Exception {
        String body = "{\"type\":\"referral.created\",\"referralId\":\"forged\"}";
        long now = Instant.now().getEpochSecond();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base() + "/demo/vcs/webhook"))
                .header("webhook-id", "msg_forged").header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1("whsec_" + java.util.Base64.getEncoder()
                        .encodeToString("not-the-service-secret".getBytes()), "msg_forged", now, body.getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM demo_vcs_message WHERE referral_id = 'forged'", Integer.class))
                .isZero();
    }
}
