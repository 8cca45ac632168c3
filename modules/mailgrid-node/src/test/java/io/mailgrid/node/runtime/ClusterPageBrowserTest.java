package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.ExternalTool;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;
import io.mailgrid.web.HttpSettings;

/**
 * The cluster page in a real headless Chromium: it lists the nodes and queues, and, without being
 * reloaded by the test, shows a peer node going DOWN after its process is killed with {@code kill -9}
 * (no LEAVING, no goodbye to the broker: just silence).
 */
class ClusterPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Where node b's log stays after the test, to read when it fails. */
    private static final Path LOGS = Path.of("target", "browser-test-logs").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void thePageShouldShowAPeerNodeGoingDownAfterItsProcessIsKilled() throws Exception {
        Path chromium = ExternalTool.require("/usr/bin/chromium", "chromium");
        Path chromedriver = ExternalTool.require("/usr/bin/chromedriver", "chromium-driver");
        int port = TestHome.freePort();
        WebDriver browser = null;
        try (TestNode a = TestNode.start(dir.resolve("a"), Map.of(HttpSettings.PORT, String.valueOf(port)));
                // peer b: a real node process on a's broker, as an operator runs it
                MailgridProcess b = MailgridProcess.start("b", LOGS, List.of(),
                        "run", "--node", "b", "--data", dir.resolve("b").toString(), "--broker", a.brokerUrl())) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
            browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort().build(), options);
            browser.get("http://127.0.0.1:" + port + "/");
            WebDriver page = browser;
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                assertThat(state(page, "a")).isEqualTo("UP");
                assertThat(state(page, "b")).isEqualTo("UP");
            });
            assertThat(page.findElement(By.id("queues")).getText()).contains(Queues.mailbox("a"), Queues.outbound("a"));

            b.kill9();
            // no browser.get(): the page reloads itself
            await().atMost(WAIT).ignoreExceptions().until(() -> state(page, "b").equals("DOWN"));
            assertThat(state(page, "a")).isEqualTo("UP");
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }

    private static String state(WebDriver page, String node) {
        return page.findElement(By.cssSelector("tr[data-node='" + node + "'] td.state")).getText();
    }
}
