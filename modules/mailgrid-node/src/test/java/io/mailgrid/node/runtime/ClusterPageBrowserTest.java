package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.mailgrid.cluster.Heartbeat;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.cluster.NodeState;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ExternalTool;
import io.mailgrid.testing.TestHome;
import io.mailgrid.web.HttpSettings;

/**
 * The cluster page in a real headless Chromium: it lists the nodes and queues, and, without being
 * reloaded by the test, shows a peer going DOWN once its heartbeats stop as a killed process's do
 * (no LEAVING, just silence).
 */
class ClusterPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void thePageShouldShowAPeerGoingDownWhenItsHeartbeatsStop() throws Exception {
        Path chromium = ExternalTool.require("/usr/bin/chromium", "chromium");
        Path chromedriver = ExternalTool.require("/usr/bin/chromedriver", "chromium-driver");
        int port = TestHome.freePort();
        ScheduledExecutorService beating = Executors.newSingleThreadScheduledExecutor();
        WebDriver browser = null;
        try (TestNode a = TestNode.start(dir, Map.of(HttpSettings.PORT, String.valueOf(port)));
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                HeartbeatChannel peer = new HeartbeatChannel(factory)) {
            // peer b: alive while it sends heartbeats, then silent as after kill -9 (it never says LEAVING)
            long started = System.currentTimeMillis();
            AtomicLong sequence = new AtomicLong();
            beating.scheduleAtFixedRate(() -> peer.publish(new Heartbeat("b", "host", NodeState.UP, null,
                    sequence.incrementAndGet(), started, System.currentTimeMillis(), 0, 0, 0, Map.of(),
                    a.node.cluster().configHash(), null, List.of())), 0, 300, TimeUnit.MILLISECONDS);

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

            beating.shutdownNow();
            beating.awaitTermination(5, TimeUnit.SECONDS);
            // no browser.get(): the page reloads itself
            await().atMost(WAIT).ignoreExceptions().until(() -> state(page, "b").equals("DOWN"));
            assertThat(state(page, "a")).isEqualTo("UP");
        } finally {
            beating.shutdownNow();
            if (browser != null) {
                browser.quit();
            }
        }
    }

    private static String state(WebDriver page, String node) {
        return page.findElement(By.cssSelector("tr[data-node='" + node + "'] td.state")).getText();
    }
}
