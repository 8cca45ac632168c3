package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgrid.cluster.NodeState;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;
import io.mailgrid.web.HttpSettings;

/**
 * The node's health endpoints, asked with a real HTTP client as a load balancer, the docker
 * HEALTHCHECK or an operator's curl would: ready only while the node can take mail.
 */
class HttpHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aNodeThatTakesMailShouldBeLiveAndReadyOnLoopbackOnlyAnd503InMaintenance() throws Exception {
        MailgridConfig shipped = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        assertThat(shipped.string(HttpSettings.HOST)).as("the shipped default").isEqualTo("127.0.0.1");
        int port = TestHome.freePort();
        try (TestNode a = TestNode.start(dir, Map.of(HttpSettings.PORT, String.valueOf(port)))) {
            await().atMost(WAIT).until(() -> a.node.cluster().state() == NodeState.UP);

            HttpResponse<String> live = get(port, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");

            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("UP");
            assertThat(body.path("node").asText()).isEqualTo("a");
            assertThat(body.path("checks").path("broker").path("status").asText()).isEqualTo("UP");
            assertThat(body.path("checks").path("chain").path("status").asText()).isEqualTo("UP");
            assertThat(body.path("checks").path("state").path("detail").asText()).isEqualTo("UP");

            TestNode.runCommand("maintenance", "a", "on", "--broker", a.brokerUrl());
            ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).path("checks").path("state").path("detail").asText())
                    .isEqualTo("MAINTENANCE");
            TestNode.runCommand("maintenance", "a", "off", "--broker", a.brokerUrl());
            await().atMost(WAIT).until(() -> get(port, "/health/ready").statusCode() == 200);

            Optional<InetAddress> lan = lanAddress();
            assumeThat(lan).as("a non-loopback address on this machine").isPresent();
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(lan.get(), port), 2000);
                }
            }).as("nothing listens on " + lan.get()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aNodeWhoseScannerIsUnavailableShouldAnswer503NamingTheCheck() throws Exception {
        int port = TestHome.freePort();
        try (TestNode a = TestNode.start(dir, Map.of(HttpSettings.PORT, String.valueOf(port),
                "mailgrid.clamd.address", "unix:" + dir.resolve("no-clamd.sock")))) {
            await().atMost(WAIT).until(() -> a.node.cluster().state() == NodeState.MAINTENANCE);

            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            JsonNode body = JSON.readTree(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").path("chain").path("status").asText()).isEqualTo("DOWN");
            assertThat(body.path("checks").path("chain").path("detail").asText()).contains("clamd");
            assertThat(get(port, "/health/live").statusCode()).as("alive, only not ready").isEqualTo(200);
        }
    }

    @Test
    void portZeroShouldStartNoHttpServerAtAll() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of(HttpSettings.PORT, "0"))) {
            assertThat(a.node.camel().hasService(MainHttpServer.class)).isNull();
            assertThat(a.node.camel().getRoute("http-health-ready")).isNull();
        }
    }

    @Test
    void aTakenHttpPortShouldStopTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestNode.start(dir, Map.of(HttpSettings.PORT, String.valueOf(taken.getLocalPort()))))
                    .hasMessageContaining(HttpSettings.PORT).hasMessageContaining(":" + taken.getLocalPort());
        }
    }

    @Test
    void aBadHttpPortShouldStopTheStartNamingTheKey() {
        assertThatThrownBy(() -> TestNode.start(dir, Map.of(HttpSettings.PORT, "70000")))
                .hasMessageContaining(HttpSettings.PORT);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<InetAddress> lanAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }
}
