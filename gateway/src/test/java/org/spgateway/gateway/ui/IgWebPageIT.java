package org.spgateway.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Browser;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The IG lead's web page in a real headless Chromium: log in, find every disclosure about the demo patient by NHS
 * number, export it, open the patient's disclosure report, read the policy, run the dry run, and watch verification
 * fail after the test edits one audit row directly in the database. Also: a wrong password is refused and audited,
 * an operator is kept out of the IG pages (audited), and a form post without its CSRF token is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.demo.seed=true"})
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class IgWebPageIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    org.spgateway.gateway.store.ResourceRepository resources;

    @TempDir
    Path profile;

    private WebDriver browser;
    private String referral;

    @BeforeEach
    void aReferralForTheDemoPatient() throws Exception {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        var client = CTX.newRestfulGenericClient(base() + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        Bundle response = client.transaction().withBundle(bundle).execute();
        referral = response.getEntry().get(5).getResource().getIdElement().getIdPart();
        browser = Browser.start(profile);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private void logIn(String user, String password) {
        browser.get(base() + "/ui/ig");
        assertThat(browser.getCurrentUrl()).as("not logged in: sent to the login page").endsWith("/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> d.findElement(by));
    }

    /** Clicks a form's submit button and waits until the answer page has replaced the current one. */
    private void submit(By button) {
        org.spgateway.gateway.support.Browser.clickAndAwaitNewPage(browser, waitFor(button), Duration.ofSeconds(30));
    }

    @Test
    void anIgLeadFindsExportsAndReportsEveryDisclosureAndSeesVerificationFailAfterAnEdit(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        logIn("ig-lead", "not-the-password");
        assertThat(waitFor(By.id("login-error")).getText()).contains("Wrong user name or password");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'auth.failed'"
                + " AND details LIKE '%\"claimedUser\":\"ig-lead\"%'", Integer.class)).isPositive();
        assertThat(jdbc.queryForList("SELECT details FROM audit_record WHERE event_type = 'auth.failed'", String.class))
                .noneMatch(d -> d.contains("not-the-password"));

        logIn("ig-lead", demo.passwords().get("ig-lead"));
        // after login the gateway returns to the page first asked for
        waitFor(By.id("search-form"));
        browser.findElement(By.id("nhsNumber")).sendKeys("900 000 0009");
        new Select(browser.findElement(By.id("type"))).selectByValue("disclosure");
        submit(By.id("search"));
        WebElement table = waitFor(By.id("results"));
        List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
        List<String> patients = resources.idsByIdentifier("Patient", "https://fhir.nhs.uk/Id/nhs-number", "9000000009");
        assertThat(patients).isNotEmpty();
        int expected = jdbc.queryForObject("SELECT COUNT(*) FROM audit_record a WHERE event_type = 'disclosure' AND patient_id IN ("
                + String.join(", ", patients.stream().map(p -> "'" + p + "'").toList()) + ")", Integer.class);
        assertThat(expected).isPositive();
        assertThat(rows).hasSize(expected);
        assertThat(browser.findElement(By.id("result-count")).getText()).isEqualTo(String.valueOf(expected));
        assertThat(rows.get(0).getText()).contains("Leeds Social Prescribing Link Workers").contains("nhs-number");
        Browser.screenshot(browser, "ig-audit-search");

        // export: the CSV the link downloads holds the same records
        String exportUrl = browser.findElement(By.id("export")).getAttribute("href");
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(exportUrl))
                .header("Cookie", "JSESSIONID=" + browser.manage().getCookieNamed("JSESSIONID").getValue()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(expected + 1);
        assertThat(lines[1]).contains("disclosure").contains("vcs-leeds-link-workers");

        // the patient's disclosure report
        rows.get(0).findElement(By.className("patient-link")).click();
        waitFor(By.id("patient-id"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Leeds Social Prescribing Link Workers");
        assertThat(browser.findElement(By.className("all-classes")).getText()).contains("nhs-number");

        // the policy as a table
        browser.get(base() + "/ui/ig/policy");
        assertThat(waitFor(By.id("policy-version")).getText()).isNotBlank();
        assertThat(browser.findElements(By.cssSelector("#class-medications td"))).hasSize(3)
                .allSatisfy(cell -> assertThat(cell.getText()).isEqualTo("no"));
        assertThat(browser.findElement(By.cssSelector("#class-conditions td")).getText()).contains("explicit consent");

        // the dry run
        browser.get(base() + "/ui/ig/dry-run");
        waitFor(By.id("referral")).sendKeys(referral);
        new Select(browser.findElement(By.id("organisation"))).selectByValue("vcs-walking-group");
        submit(By.id("run"));
        WebElement result = waitFor(By.id("dry-run-result"));
        assertThat(result.findElements(By.cssSelector("tr.deny")).stream().map(WebElement::getText))
                .anyMatch(text -> text.startsWith("NHS number"));
        assertThat(result.findElements(By.cssSelector("tr.permit")).stream().map(WebElement::getText))
                .anyMatch(text -> text.startsWith("Postcode district"));

        // verification passes, then fails naming the record a test edited directly in the database
        browser.get(base() + "/ui/ig/verify");
        submit(By.id("verify"));
        assertThat(waitFor(By.id("verify-result")).getText()).startsWith("Intact");
        long seq = jdbc.queryForObject("SELECT MIN(seq) FROM audit_record WHERE event_type = 'disclosure'", Long.class);
        String original = jdbc.queryForObject("SELECT recipient_org FROM audit_record WHERE seq = ?", String.class, seq);
        jdbc.update("UPDATE audit_record SET recipient_org = 'vcs-walking-group' WHERE seq = ?", seq);
        try {
            submit(By.id("verify"));
            WebElement failed = waitFor(By.id("findings"));
            assertThat(browser.findElement(By.id("verify-result")).getText()).contains("NOT intact");
            assertThat(failed.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText))
                    .anyMatch(text -> text.startsWith(seq + " altered"));
            Browser.screenshot(browser, "ig-verify-failed");
        } finally {
            jdbc.update("UPDATE audit_record SET recipient_org = ? WHERE seq = ?", original, seq);
        }
        submit(By.id("verify"));
        assertThat(waitFor(By.id("verify-result")).getText()).startsWith("Intact");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'audit.read' AND actor = 'ig-lead:ig-lead'",
                Integer.class)).as("the IG lead's reads are audited under their login").isPositive();
        // the audit store is the one place patient data is recorded: none of it reaches the application log
        // ...nor do the NHS numbers the IG lead searched for, as the page's query string carried them (the access
        // log names the path only)
        assertThat(output.getAll()).doesNotContain("9000000009", "Margaret", "Peggy", "LS6 2", "07700 900123",
                "peggy.smith@example.org", "bereaved", "900+000+0009", "900%20000%200009", "nhsNumber=");
        assertThat(output.getAll()).as("the access log saw the search").contains("GET /ui/ig 200");
    }

    @Test
    void theDemoReferralIsSentOnceThroughTheFhirEndpointAtFirstStart(@Autowired org.spgateway.gateway.demo.DemoSeeder seeder)
            throws Exception {
        String demoReferral = "SELECT COUNT(*) FROM fhir_business_identifier WHERE resource_type = 'ServiceRequest'"
                + " AND value_code = 'REF-2026-0001'";
        assertThat(jdbc.queryForObject(demoReferral, Integer.class)).isEqualTo(1);
        seeder.seed();
        assertThat(jdbc.queryForObject(demoReferral, Integer.class)).as("not seeded twice").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'disclosure'"
                + " AND recipient_org = 'vcs-leeds-link-workers'", Integer.class)).isPositive();
    }

    @Test
    void anOperatorIsKeptOutOfTheIgPagesAndTheAttemptIsAudited() {
        logIn("operator", demo.passwords().get("operator"));
        assertThat(waitFor(By.id("denied")).getText()).isEqualTo("Not allowed");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'authz.denied'"
                + " AND actor = 'user:operator' AND details LIKE '%/ui/ig%'", Integer.class)).isPositive();
    }

    @Test
    void aFormPostWithoutItsCsrfTokenIsRefused() throws Exception {
        logIn("ig-lead", demo.passwords().get("ig-lead"));
        waitFor(By.id("search-form"));
        long before = jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'audit.verified'", Long.class);
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/ui/ig/verify"))
                .header("Cookie", "JSESSIONID=" + browser.manage().getCookieNamed("JSESSIONID").getValue())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'audit.verified'", Long.class))
                .isEqualTo(before);
    }
}
