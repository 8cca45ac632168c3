package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;
import io.mailgrid.web.HttpSettings;

/**
 * Mails through a node, then a Prometheus-style scrape of {@code /metrics} with a real HTTP
 * client: every outcome counted once, by its labels; and the same node's routes over JMX.
 */
class HttpMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void aScrapeShouldCountEveryOutcomeOnceAndTheRoutesShouldBeVisibleOverJmx() throws Exception {
        int port = TestHome.freePort();
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(HttpSettings.PORT, String.valueOf(port)),
                HttpMetricsTest::failTheMarkedMail)) {
            a.publish(TestMail.to("bob@example.com").body("one\r\n"));
            a.publish(TestMail.to("bob@example.com").body("two\r\n"));
            a.publish(TestMail.to("bob@example.com").attachment("invoice.pdf.exe", "MZ".getBytes(StandardCharsets.US_ASCII)));
            a.publish(TestMail.to("bob@example.com").body("FAIL-ME\r\n"));

            await().atMost(WAIT).until(() -> a.outbox().count() == 2 && a.depth(Queues.QUARANTINE) == 1
                    && a.depth(Queues.DLQ) == 1);
            await().atMost(WAIT).untilAsserted(() -> {
                Map<String, Double> m = scrape(port);
                assertThat(m).containsEntry("mailgrid_mails_accepted_total{ingress=\"test\"}", 4.0)
                        .containsEntry("mailgrid_mails_delivered_total{target=\"maildir\"}", 2.0)
                        .containsEntry("mailgrid_mails_dead_lettered_total{stage=\"check\"}", 1.0)
                        .containsEntry("mailgrid_mails_redelivered_total{stage=\"check\"}", 2.0)
                        .containsEntry("mailgrid_mails_checked_total{check=\"clamd\",verdict=\"CLEAN\"}", 3.0)
                        .containsEntry("mailgrid_check_duration_seconds_count{check=\"clamd\"}", 3.0)
                        .containsEntry("mailgrid_mail_latency_seconds_count", 2.0)
                        .containsEntry("mailgrid_nodes{state=\"UP\"}", 1.0)
                        .containsEntry("mailgrid_queue_waiting{queue=\"" + Queues.QUARANTINE + "\"}", 1.0)
                        .containsEntry("mailgrid_queue_waiting{queue=\"" + Queues.DLQ + "\"}", 1.0)
                        .containsKeys("mailgrid_mails_in_flight", "mailgrid_memory_budget_used_bytes",
                                "mailgrid_queue_in_flight{queue=\"" + Queues.mailbox("a") + "\"}");
                assertThat(m).hasEntrySatisfying("mailgrid_mails_checked_total{check=\"attachment-policy\",verdict=\"BLOCKED_ATTACHMENT\"}",
                        v -> assertThat(v).isEqualTo(1.0));
                assertThat(m.entrySet()).filteredOn(e -> e.getKey().startsWith("mailgrid_mails_quarantined_total"))
                        .singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo(1.0));
                assertThat(m.keySet()).noneMatch(k -> k.startsWith("mailgrid_mails_dead_lettered_total{stage=\"delivery\""));
            });

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName grabber = new ObjectName("org.apache.camel:context=mailgrid-a,type=routes,name=\"grabber-a\"");
            assertThat(jmx.isRegistered(grabber)).as("grabber route MBean " + grabber).isTrue();
            assertThat(((Number) jmx.getAttribute(grabber, "ExchangesTotal")).longValue()).isGreaterThanOrEqualTo(4);
            assertThat(jmx.isRegistered(new ObjectName("org.apache.camel:context=mailgrid-a,type=routes,name=\"delivery-a\"")))
                    .isTrue();
        }
    }

    private static void failTheMarkedMail(Exchange exchange) {
        if (exchange.getMessage().getBody(String.class).contains("FAIL-ME")) {
            throw new IllegalStateException("test step fails this mail on every attempt");
        }
    }

    /** The scrape as Prometheus reads it: sample name with labels to value. */
    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
