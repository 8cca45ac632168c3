package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.activemq.ArtemisContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestHome;

/**
 * The broker of docker/compose.yaml (its image, environment and mounted files, read from the
 * compose file) in a container, with a node process on it. Runs where a Docker engine exists and
 * is skipped elsewhere; DockerFilesTest checks the same file without Docker, and DistributionIT
 * runs broker-config/broker.xml unchanged in the same distribution as a plain process.
 */
@Testcontainers(disabledWithoutDocker = true)
class ArtemisContainerIT {

    @TempDir
    Path dir;

    @Test
    void theComposeBrokerShouldServeANodeWithTheComposeSettings() throws Exception {
        JsonNode compose = DockerFiles.compose();
        Map<String, String> environment = DockerFiles.environment(compose, "broker");
        try (ArtemisContainer broker = new ArtemisContainer(DockerFiles.brokerImage(compose))
                .withUser(environment.get("ARTEMIS_USER"))
                .withPassword(environment.get("ARTEMIS_PASSWORD"))
                .withEnv("JAVA_ARGS_APPEND", environment.get("JAVA_ARGS_APPEND"))) {
            DockerFiles.brokerMounts(compose).forEach((target, host) ->
                    broker.withCopyFileToContainer(MountableFile.forHostPath(host), target));
            broker.start();
            String url = "tcp://" + broker.getHost() + ":" + broker.getMappedPort(61616);
            try (Cluster cluster = new Cluster(dir, "container", url)) {
                String password = DockerFiles.environment(compose, "node-a").get("MAILGRID_BROKER_PASSWORD");
                cluster.startNode("a", TestHome.routes(), "mailgrid.broker.password=" + password);

                List<String> sent = cluster.publish("a", 20, "container");
                await().atMost(Duration.ofSeconds(60)).until(() -> cluster.outbox("a").count() == sent.size());
                assertThat(cluster.deliveredCounts("a").keySet()).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(cluster.status().queues()).extracting(q -> q.name()).contains(Queues.mailbox("a"), Queues.DLQ);
            }
        }
    }
}
