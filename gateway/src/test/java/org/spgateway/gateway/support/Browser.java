package org.spgateway.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian's {@code chromium}, driven through Debian's {@code chromedriver}; nothing is
 * downloaded). On a laptop without them the browser tests are skipped with a message saying what to install; under
 * {@code CI=true} a missing browser fails the build instead.
 */
public final class Browser {

    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SPGATEWAY_CHROMIUM", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("SPGATEWAY_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** Starts headless Chromium, or skips (fails under CI=true) when it is not installed. */
    public static WebDriver start(Path profileDir) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String message = "Browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install -y chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + " (CI=true: not skipping)");
            }
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1440,1000", "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    /** Saves a screenshot under target/screenshots and checks it is a real, non-blank picture of the page. */
    public static Path screenshot(WebDriver driver, String name) throws IOException {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Path file = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, png);
        BufferedImage image = ImageIO.read(new File(file.toString()));
        assertThat(image).as("screenshot " + file + " is a PNG").isNotNull();
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(1000);
        int first = image.getRGB(0, image.getHeight() / 2);
        boolean varied = false;
        for (int x = 0; x < image.getWidth() && !varied; x += 7) {
            for (int y = 0; y < image.getHeight() && !varied; y += 7) {
                varied = image.getRGB(x, y) != first;
            }
        }
        assertThat(varied).as("screenshot " + file + " shows something, not a blank page").isTrue();
        return file;
    }

    /**
     * Clicks {@code element}, which submits a form or follows a link, and waits until the answer page has replaced the
     * current one and finished loading. The old page is recognised by a mark set on its window before the click, not
     * by holding one of its elements: Chromium can answer a query on a detached element with an inspector error
     * instead of a stale-element one.
     */
    public static void clickAndAwaitNewPage(WebDriver driver, org.openqa.selenium.WebElement element, Duration atMost) {
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) driver;
        js.executeScript("window.__spgwOldPage = true;");
        element.click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, atMost)
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(js.executeScript(
                        "return window.__spgwOldPage === undefined && document.readyState === 'complete';")));
    }
}
