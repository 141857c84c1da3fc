package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.testing.OssStandIn;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The direct-upload page in headless Chromium, the whole path on loopback: the page fetches a
 * policy from the example server, posts the file to a stand-in for OSS that checks the policy and
 * its V4 signature, the stand-in makes the signed callback to the server, which verifies it and
 * its upload token, and the reply travels back through the stand-in to the page. Skipped where
 * Debian's {@code chromium} and {@code chromium-driver} are not installed, except on CI
 * ({@code CI=true}), where {@code .ci/run} installs them.
 */
class DirectUploadBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String BUCKET = "demo-bucket";
    private static final String ACCESS_KEY_ID = "LTAI5tBrowserDemo";
    private static final String ACCESS_KEY_SECRET = "browserDemoSecret0123456789abcdef";
    /** Generous: only a safety net, every wait ends as soon as the page shows a result. */
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
    /** Selenium warns about CDP versions it does not bundle; the test uses no CDP. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");
    /** Jersey warns about optional providers the example does not use, as Main says. */
    private static final Logger JERSEY_LOG = Logger.getLogger("org.glassfish.jersey");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<OssCallback> verified = new CopyOnWriteArrayList<>();
    private OssStandIn oss;
    private ExampleServer server;
    private WebDriver browser;
    private Path profile;

    @BeforeAll
    static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            if ("true".equals(System.getenv("CI"))) {
                fail(CHROMIUM + " and " + CHROMEDRIVER + " are required on CI: apt-get install chromium chromium-driver");
            }
            Assumptions.abort("no " + CHROMIUM + " or " + CHROMEDRIVER + "; install chromium and chromium-driver");
        }
        SELENIUM_LOG.setLevel(Level.SEVERE);
        JERSEY_LOG.setLevel(Level.SEVERE);
    }

    @BeforeEach
    void start() throws Exception {
        oss = OssStandIn.builder().buckets(BUCKET).accessKey(ACCESS_KEY_ID, ACCESS_KEY_SECRET).start();
        KeyUrlPolicy standInKey = KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build();
        DirectUpload upload = new DirectUpload(oss.endpoint() + "/" + BUCKET, BUCKET, "cn-hangzhou",
                OssCredentials.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET), Clock.systemUTC());
        server = ExampleServer.start("127.0.0.1", 0, CallbackVerifier.builder().keyUrlPolicy(standInKey).build(),
                new PrintStream(OutputStream.nullOutputStream()), verified::add, upload,
                CallbackVerifier.builder().keyUrlPolicy(standInKey).uploadTokens(upload.tokens()).build());
        upload.callbackBase("http://127.0.0.1:" + server.port());

        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        // One driver process per browser: quit() ends the service it was started with.
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withSilent(true).build(), options);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (oss != null) {
            oss.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Opens the page, picks the file, optionally ticks "tamper", uploads, and waits for the outcome. */
    private WebElement upload(Path file, boolean tamper) {
        browser.get("http://127.0.0.1:" + server.port() + "/upload/");
        browser.findElement(By.id("file")).sendKeys(file.toString());
        if (tamper) {
            browser.findElement(By.id("tamper")).click();
        }
        browser.findElement(By.id("upload")).click();
        WebElement result = browser.findElement(By.id("result"));
        new WebDriverWait(browser, PAGE_TIMEOUT).until(page -> {
            String state = result.getAttribute("data-state");
            return !state.equals("idle") && !state.equals("uploading");
        });
        return result;
    }

    @Test
    void pageUploadsStraightToOssAndShowsTheVerifiedCallbacksReply(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("photo.txt"), "hello from the browser");

        WebElement result = upload(file, false);

        assertEquals("uploaded", result.getAttribute("data-state"), result.getText());
        String text = result.getText();
        JsonNode reply = JSON.readTree(text.substring(text.indexOf('{')));
        assertEquals("OK", reply.get("status").asText());
        assertEquals("upload", reply.get("endpoint").asText());
        assertEquals(BUCKET, reply.get("bucket").asText());
        String object = reply.get("object").asText();
        assertTrue(object.matches("uploads/[0-9a-f]{16}/photo\\.txt"), object);
        assertEquals(22, reply.get("size").asLong());
        assertEquals("sent from the demo page", reply.get("note").asText());
        assertEquals(DirectUpload.SUBJECT, reply.get("uploadedFor").asText());

        assertEquals(1, verified.size());
        assertEquals(object, verified.get(0).object().orElseThrow());
        assertEquals("hello from the browser", new String(oss.object(BUCKET, object).orElseThrow().content(),
                StandardCharsets.UTF_8));
    }

    @Test
    void ossRefusesAFormWhoseCallbackWasEditedAfterSigning(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("photo.txt"), "tampered");

        WebElement result = upload(file, true);

        assertEquals("refused", result.getAttribute("data-state"), result.getText());
        assertEquals("403", result.getAttribute("data-status"), result.getText());
        assertTrue(result.getText().contains("Policy"), result.getText());
        assertEquals(List.of(), verified);
        assertEquals(List.of(), oss.callbacks());
        assertEquals(List.of(), oss.objects());
    }
}
