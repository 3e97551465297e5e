package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard at {@code /ui} in a real headless Chromium against the running service and real bots: log in,
 * submit a task and watch it complete, open a workflow's graph, redrive a dead letter, with no console errors.
 * Screenshots of each page go to {@code target/screenshots}. Chromium and its driver are Debian's
 * {@code chromium} and {@code chromium-driver} ({@code CHROME_BINARY} and {@code CHROMEDRIVER} name others).
 */
@QuarkusTest
@TestProfile(DashboardTest.FastWatch.class)
class DashboardTest {

    /** A service of this class's own, so that its bots take only its tasks. */
    public static class FastWatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.watch.interval", "100ms");
        }
    }

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        String binary = System.getenv().getOrDefault("CHROME_BINARY", "/usr/bin/chromium");
        String driver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        assertThat(new File(binary)).as("Chromium (Debian: apt-get install chromium chromium-driver)").canRead();
        assertThat(new File(driver)).as("chromedriver (Debian: apt-get install chromium-driver)").canRead();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--disable-gpu");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // Live pages redraw themselves: an element found just before a redraw is stale, and is looked up again.
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String base() {
        return "http://localhost:" + System.getProperty("quarkus.http.test-port", "8081");
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static WebElement shown(By by) throws Exception {
        try {
            return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
        } catch (RuntimeException e) {
            screenshot("failure");
            throw e;
        }
    }

    private static void open(String hash) {
        browser.navigate().to(base() + "/ui/#/" + hash);
    }

    @Test
    void an_operator_logs_in_submits_watches_opens_a_graph_and_redrives_a_dead_letter() throws Exception {
        // The page may run its own script and style, and nothing from elsewhere.
        given().redirects().follow(false).when().get("/ui").then().statusCode(301).header("Location", "/ui/");
        given().when().get("/ui/").then().statusCode(200).contentType(ContentType.HTML)
                .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"));

        browser.navigate().to(base() + "/ui");
        shown(By.id("login"));
        screenshot("login");
        browser.findElement(By.id("key")).sendKeys(AsAdmin.key());
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        shown(By.id("bots-online"));
        screenshot("overview");

        // Submit a task and watch a bot run it to its end.
        String type = Fixtures.unique("ui");
        String botName = Fixtures.unique("ui-bot");
        var creds = Fixtures.registerBotWithToken(botName, type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = bot.work(1, true);
            browser.findElement(By.linkText("Submit")).click();
            shown(By.id("submit-type")).sendKeys(type);
            WebElement payload = browser.findElement(By.id("submit-payload"));
            payload.clear();
            payload.sendKeys("{\"repo\": \"app\"}");
            browser.findElement(By.cssSelector("#submit-form button[type=submit]")).click();
            wait.until(ExpectedConditions.urlContains("#/task/"));
            shown(By.cssSelector("h1 + p [data-status=completed]"));
            working.get(10, TimeUnit.SECONDS);
            assertThat(browser.findElements(By.cssSelector("#timeline li"))).hasSizeGreaterThanOrEqualTo(4);
            assertThat(browser.findElement(By.id("progress")).getText()).contains("50% halfway");
            assertThat(browser.findElement(By.tagName("main")).getText()).contains("\"repo\": \"app\"",
                    "\"echo\": {");
            screenshot("task");

            // A workflow's graph, live until it ends.
            working = bot.work(3, true);
            String yaml = """
                    name: "ui-graph"
                    steps:
                      - {id: "fetch", type: "%s"}
                      - {id: "build", type: "%s", depends_on: "fetch"}
                      - {id: "lint", type: "%s", depends_on: "fetch"}
                    """.formatted(type, type, type);
            String workflow = given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                    .when().post("/api/v1/workflows/from-yaml?auto_start=true")
                    .then().statusCode(201).extract().path("id");
            open("workflow/" + workflow);
            shown(By.id("graph"));
            wait.until(d -> d.findElements(By.cssSelector("#graph g[data-status=completed]")).size() == 3);
            working.get(10, TimeUnit.SECONDS);
            assertThat(browser.findElements(By.cssSelector("#graph line"))).hasSize(2);
            screenshot("workflow");
            browser.findElement(By.linkText("Workflows")).click();
            shown(By.linkText(workflow));
        }

        // A dead letter, redriven from its page.
        String failing = Fixtures.unique("ui-fail");
        var failingBot = Fixtures.registerBotWithToken(Fixtures.unique("ui-fail-bot"), failing);
        String dead;
        try (TestBot bot = TestBot.connect(failingBot.token())) {
            CompletableFuture<Void> working = bot.work(1, false);
            dead = given().contentType(ContentType.JSON).body(Map.of("type", failing, "retry",
                    Map.of("max_attempts", 1))).when().post("/api/v1/tasks").then().statusCode(201).extract()
                    .path("id");
            working.get(10, TimeUnit.SECONDS);
        }
        given().when().get("/api/v1/tasks/" + dead + "?wait=10").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("failed"));
        browser.findElement(By.linkText("Dead letters")).click();
        shown(By.cssSelector("button.redrive[data-task='" + dead + "']"));
        screenshot("dead-letters");
        browser.findElement(By.cssSelector("button.redrive[data-task='" + dead + "']")).click();
        shown(By.cssSelector("#message.info"));
        given().when().get("/api/v1/tasks/" + dead).then().body("status", org.hamcrest.Matchers.equalTo("pending"));

        // A schedule, a stored definition and a connected bot, for their pages to show.
        String schedule = Fixtures.unique("nightly-report");
        given().contentType(ContentType.JSON).body(Map.of("name", schedule, "cron", "0 2 * * *", "time_zone",
                "Europe/Berlin", "template", Map.of("type", type))).when().post("/api/v1/schedules").then()
                .statusCode(201);
        String definition = Fixtures.unique("release-pipeline");
        given().contentType(ContentType.JSON).body(Map.of("name", definition, "definition", Map.of("name",
                "release", "steps", List.of(Map.of("id", "build", "type", type), Map.of("id", "ship", "type", type,
                        "depends_on", List.of("build"))))))
                .when().post("/api/v1/workflow-definitions").then()
                .statusCode(201);
        try (TestBot online = TestBot.connect(creds.token())) {
            for (String page : List.of("Bots", "Schedules", "Definitions", "Tasks", "Overview")) {
                browser.findElement(By.linkText(page)).click();
                wait.until(d -> d.findElement(By.cssSelector("main h1")).getText().startsWith(
                        page.equals("Definitions") ? "Workflow definitions" : page));
                switch (page) {
                    case "Bots" -> wait.until(d -> d.findElements(By.xpath(
                            "//tr[td[text()='" + botName + "']]//button[text()='Drain']")).size() == 1);
                    case "Schedules" -> assertThat(shown(By.xpath("//tr[td[text()='" + schedule + "']]"))
                            .getText()).contains("0 2 * * *", "Europe/Berlin");
                    case "Definitions" -> shown(By.xpath("//tr[td[text()='" + definition + "']]"));
                    default -> {
                    }
                }
                screenshot(page.toLowerCase());
            }
        }
        // The overview follows the status stream: the tasks dispatched above show up in the dispatch latency.
        wait.until(d -> d.findElement(By.cssSelector("#dispatch .figure")).getText().endsWith(" ms"));
        assertThat(browser.findElement(By.id("read-at")).getText()).endsWith("live.");
        screenshot("overview");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();

        // The redriven task fails again, for the reader below to find among the dead letters.
        try (TestBot bot = TestBot.connect(failingBot.token())) {
            bot.work(1, false).get(10, TimeUnit.SECONDS);
        }
        given().when().get("/api/v1/tasks/" + dead + "?wait=10").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("failed"));

        // A reader sees the work but is offered no action its role would be refused.
        browser.findElement(By.id("logout")).click();
        shown(By.id("login"));
        browser.findElement(By.id("key")).sendKeys(Keys.issue("reader"));
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        shown(By.id("bots-online"));
        assertThat(browser.findElement(By.id("whoami")).getText()).endsWith("(reader)");
        assertThat(browser.findElement(By.cssSelector("nav a[href='#/submit']")).isDisplayed()).isFalse();
        open("submit");
        shown(By.id("not-allowed"));
        open("task/" + dead);
        shown(By.cssSelector("#timeline li"));
        assertThat(browser.findElements(By.cssSelector("main button"))).isEmpty();
        open("dead-letters");
        shown(By.linkText(dead));
        assertThat(browser.findElements(By.cssSelector("main button"))).isEmpty();
        open("bots");
        wait.until(d -> d.findElement(By.cssSelector("main h1")).getText().equals("Bots"));
        shown(By.cssSelector("main table"));
        assertThat(browser.findElements(By.cssSelector("main button"))).isEmpty();

        // A bot's token is not a key for the dashboard.
        browser.findElement(By.id("logout")).click();
        shown(By.id("login"));
        browser.findElement(By.id("key")).sendKeys(failingBot.token());
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("message")).getText().startsWith("That is a bot's token"));

        // Logging out forgets the key; a wrong key is refused with a message.
        browser.navigate().refresh();
        shown(By.id("login"));
        browser.findElement(By.id("key")).sendKeys("cbk_not_a_key");
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("message")).getText().equals("That key is not valid."));
    }
}
