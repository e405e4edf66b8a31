package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by Selenium through Debian's chromium-driver: the browser a
 * person uses, with the page's console read after each step and screenshots written under {@code
 * server/target/screenshots}.
 */
public final class Browser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;
  private final String base;

  private Browser(ChromeDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  /** Whether this machine has Chromium and its driver (Debian's chromium, chromium-driver). */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
  }

  /** A new browser, its own profile (no cookies), a window of the given size. */
  public static Browser open(String base, int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Browser(driver, base);
  }

  public WebDriver driver() {
    return driver;
  }

  public Browser go(String path) {
    driver.get(base + path);
    return this;
  }

  public WebElement find(String css) {
    return waitFor(css, Duration.ofSeconds(20));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  public Optional<WebElement> maybe(String css) {
    return all(css).stream().findFirst();
  }

  public WebElement waitFor(String css, Duration timeout) {
    return new WebDriverWait(driver, timeout)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element's text contains {@code text}. */
  public void waitForText(String css, String text, Duration timeout) {
    new WebDriverWait(driver, timeout)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  public Object asyncScript(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  /** Sets a field as a person typing would (clears it first). */
  public void type(String css, String text) {
    WebElement field = find(css);
    field.clear();
    field.sendKeys(text);
  }

  /**
   * The page's console errors since the last call: script errors, resources the page's policy
   * refused, failed loads from this server. Not counted: a 4xx answer the page asked for and shows
   * (an estimate of an unfinished form, a refused submit), and a load from beyond loopback, which
   * cannot reach anything from a test machine (a model's default example image on the web).
   */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !m.contains("the server responded with a status of 4"))
        .filter(m -> !(m.contains("net::ERR_NAME_NOT_RESOLVED") && !m.contains("127.0.0.1")))
        .toList();
  }

  /** From now on the pages see a system in dark mode ({@code prefers-color-scheme: dark}). */
  public void darkTheme() {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
  }

  /** Writes the page as it looks now to target/screenshots/{name}.png. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
