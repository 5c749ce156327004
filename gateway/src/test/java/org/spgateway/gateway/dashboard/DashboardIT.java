package org.spgateway.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Browser;
import org.spgateway.gateway.support.SmartClient;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The scheme dashboard in a real headless Chromium: the test makes five referrals to two services in areas of known
 * (demo) deprivation, moves them through the loop as the services would (accepted, contacted, baseline and final
 * outcome scores, declined), then reads every figure on the page against what it did, checks the charts' bars carry
 * the same numbers, and takes a screenshot. Only an IG lead or a scheme manager may open it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.dashboard.weeks=8",
        "spgateway.security.accounts[0].username=scheme-manager",
        "spgateway.security.accounts[0].password={noop}dashboard-it-password",
        "spgateway.security.accounts[0].roles=SCHEME_MANAGER"})
class DashboardIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String LINK_WORKERS = "vcs-leeds-link-workers";
    private static final String WALKING = "vcs-walking-group";
    private static final Map<String, String> SECRETS = Map.of(
            LINK_WORKERS, "whsec_ZGVtby1saW5rLXdvcmtlcnMtc2VjcmV0LTEyMzQ1Ng==",
            WALKING, "whsec_ZGVtby13YWxraW5nLWdyb3VwLXNlY3JldC0xMjM0NTY3OA==");

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @TempDir
    Path profile;

    private final HttpClient http = HttpClient.newHttpClient();
    private IGenericClient client;
    private WebDriver browser;

    @BeforeEach
    void setUp() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(SmartClient.testGp(port).hapi());
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** A referral of a patient of its own, living at {@code postcode}, written by the GP {@code hoursAgo} hours ago. */
    private String referral(String service, String postcode, int hoursAgo) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.getPerformer().clear();
        sr.addPerformer(new Reference("Organization/" + service));
        sr.setAuthoredOn(Date.from(Instant.now().minus(Duration.ofHours(hoursAgo))));
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        Patient patient = (Patient) bundle.getEntry().get(0).getResource();
        patient.getIdentifier().clear();
        patient.getAddressFirstRep().setPostalCode(postcode);
        return client.transaction().withBundle(bundle).execute().getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    /** A signed VCS event, dated {@code minutesAgo} minutes ago at the service. */
    private void event(String service, String referral, String type, int minutesAgo, String extra) throws Exception {
        event(service, referral, type, Instant.now().minus(Duration.ofMinutes(minutesAgo)), extra);
    }

    /** A signed VCS event, dated {@code at} at the service. */
    private void event(String service, String referral, String type, Instant at, String extra) throws Exception {
        String body = "{\"type\":\"" + type + "\",\"referralId\":\"" + referral + "\",\"occurredAt\":\""
                + at + "\""
                + (extra == null ? "" : "," + extra) + "}";
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/events"))
                .header("Content-Type", "application/json").header("webhook-organisation", service).header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1(SECRETS.get(service), id, now, body.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", type, response.body()).isEqualTo(200);
    }

    private void logIn(String user, String password) {
        browser.get("http://localhost:" + port + "/ui/dashboard");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> d.findElement(by));
    }

    private String cell(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private String bar(String chart, String series, int index) {
        List<WebElement> bars = browser.findElements(By.cssSelector("#" + chart + " rect.bar[data-series='" + series + "']"));
        return bars.get(index).getDomAttribute("data-value");
    }

    @Test
    void theFiguresAndChartsMatchTheReferralsTheTestMadeAndMoved() throws Exception {
        // link workers: completed with baseline and final scores (LS6 2: demo decile 2), declined (LS9: 1),
        // contacted (LS17: 10); walking group: completed with WEMWBS totals (LS6 3: 5), untouched (area not in the table)
        String completed = referral(LINK_WORKERS, "LS6 2AB", 96);
        String declined = referral(LINK_WORKERS, "LS9 7TF", 240);
        String contacted = referral(LINK_WORKERS, "LS17 5AA", 36);
        String walked = referral(WALKING, "LS6 3HN", 120);
        referral(WALKING, "ZZ99 9ZZ", 48);

        // contacted 2 days after the referral, baseline scores an hour later, final scores now
        event(LINK_WORKERS, completed, "referral.accepted", 49 * 60, null);
        event(LINK_WORKERS, completed, "referral.contacted", 48 * 60, null);
        event(LINK_WORKERS, completed, "referral.attending", 47 * 60, "\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":4,"
                + "\"worthwhile\":5,\"happiness\":3,\"anxiety\":7},\"swemwbs\":{\"total\":17}}");
        event(LINK_WORKERS, completed, "referral.completed", 0, "\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":7,"
                + "\"worthwhile\":8,\"happiness\":6,\"anxiety\":4},\"swemwbs\":{\"total\":24}}");
        event(LINK_WORKERS, declined, "referral.declined", 0, "\"reason\":\"Outside our area\"");
        // contacted 1.5 days after the referral
        event(LINK_WORKERS, contacted, "referral.contacted", 0, null);
        // first seen attending 5 days after the referral
        event(WALKING, walked, "referral.accepted", 1, null);
        // attending and completed in the same second, each with a WEMWBS total: still a first and a last score
        Instant sameSecond = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(1);
        event(WALKING, walked, "referral.attending", sameSecond, "\"outcomes\":{\"wemwbs\":{\"total\":40}}");
        event(WALKING, walked, "referral.completed", sameSecond.plusMillis(300), "\"outcomes\":{\"wemwbs\":{\"total\":46}}");

        browser = Browser.start(profile);
        logIn("ig-lead", demo.passwords().get("ig-lead"));
        waitFor(By.id("dashboard"));
        assertThat(cell("#referral-count")).isEqualTo("5");

        // status at the end of this week: 2 completed, 1 declined (rejected), 1 in progress, 1 requested
        WebElement thisWeek = browser.findElements(By.cssSelector("#status-table tbody tr")).get(7);
        assertThat(thisWeek.findElement(By.cssSelector("td[data-status='completed']")).getText()).isEqualTo("2");
        assertThat(thisWeek.findElement(By.cssSelector("td[data-status='rejected']")).getText()).isEqualTo("1");
        assertThat(thisWeek.findElement(By.cssSelector("td[data-status='in-progress']")).getText()).isEqualTo("1");
        assertThat(thisWeek.findElement(By.cssSelector("td[data-status='requested']")).getText()).isEqualTo("1");
        assertThat(thisWeek.findElement(By.className("total")).getText()).isEqualTo("5");
        assertThat(browser.findElements(By.cssSelector("#status-table tbody tr"))).hasSize(8);
        assertThat(bar("chart-status", "completed", 7)).isEqualTo("2");
        assertThat(bar("chart-status", "completed", 0)).as("nothing eight weeks ago").isEqualTo("0");

        // first contact 2, 1.5 and 5 days after the GP's referral: median 2
        assertThat(cell("#median-days")).isEqualTo("2.0 days");
        assertThat(cell("#contacted")).isEqualTo("3");
        assertThat(bar("chart-contact", "referrals", 1)).as("1-3 days").isEqualTo("2");
        assertThat(bar("chart-contact", "referrals", 2)).as("3-7 days").isEqualTo("1");

        assertThat(cell("tr[data-service='" + LINK_WORKERS + "'] .referred")).isEqualTo("3");
        assertThat(cell("tr[data-service='" + LINK_WORKERS + "'] .completed-percent")).isEqualTo("33.3");
        assertThat(cell("tr[data-service='" + LINK_WORKERS + "'] .declined-percent")).isEqualTo("33.3");
        assertThat(cell("tr[data-service='" + WALKING + "'] .completed-percent")).isEqualTo("50.0");
        assertThat(cell("tr[data-service='" + WALKING + "'] .declined-percent")).isEqualTo("0.0");
        assertThat(bar("chart-services", "completed %", 1)).isEqualTo("50");

        assertThat(cell("tr[data-measure='ons4-life-satisfaction'] .pairs")).isEqualTo("1");
        assertThat(cell("tr[data-measure='ons4-life-satisfaction'] .first")).isEqualTo("4.0");
        assertThat(cell("tr[data-measure='ons4-life-satisfaction'] .last")).isEqualTo("7.0");
        assertThat(cell("tr[data-measure='ons4-life-satisfaction'] .change")).isEqualTo("+3.0");
        assertThat(cell("tr[data-measure='ons4-anxiety'] .change")).isEqualTo("-3.0");
        assertThat(cell("tr[data-measure='swemwbs'] .change")).isEqualTo("+7.0");
        assertThat(cell("tr[data-measure='wemwbs'] .pairs")).isEqualTo("1");
        assertThat(cell("tr[data-measure='wemwbs'] .change")).isEqualTo("+6.0");
        assertThat(bar("chart-scales", "last", 0)).isEqualTo("24");

        assertThat(browser.findElement(By.id("imd-demo")).getText()).contains("not real deprivation data");
        assertThat(cell("tr[data-decile='2'] .referred")).isEqualTo("1");
        assertThat(cell("tr[data-decile='2'] .completed")).isEqualTo("1");
        assertThat(cell("tr[data-decile='1'] .referred")).isEqualTo("1");
        assertThat(cell("tr[data-decile='1'] .engaged")).isEqualTo("0");
        assertThat(cell("tr[data-decile='10'] .engaged")).isEqualTo("1");
        assertThat(cell("tr[data-decile='5'] .engaged-percent")).isEqualTo("100.0");
        assertThat(cell("tr[data-decile='0'] .referred")).as("a postcode the table does not cover").isEqualTo("1");
        assertThat(bar("chart-equity", "referred", 0)).as("decile 1").isEqualTo("1");

        assertThat(browser.findElement(By.tagName("main")).getText()).as("aggregates only")
                .doesNotContain("Margaret", "Smith", "LS6 2AB", "9000000009");
        Browser.screenshot(browser, "dashboard");
    }

    @Test
    void aSchemeManagerSeesTheDashboardButNotTheAuditLogAndAnOperatorNeither() throws Exception {
        browser = Browser.start(profile);
        logIn("scheme-manager", "dashboard-it-password");
        assertThat(waitFor(By.id("dashboard")).getText()).contains("Scheme dashboard");
        browser.get("http://localhost:" + port + "/ui/ig");
        assertThat(waitFor(By.id("denied")).getText()).isEqualTo("Not allowed");
        browser.manage().deleteAllCookies();
        logIn("operator", demo.passwords().get("operator"));
        assertThat(waitFor(By.id("denied")).getText()).isEqualTo("Not allowed");
    }
}
