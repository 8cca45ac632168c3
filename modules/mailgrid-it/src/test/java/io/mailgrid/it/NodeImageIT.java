package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.mailgrid.testing.TestHome;

/**
 * docker/Dockerfile built from this checkout and run as a node with its embedded broker: Docker's
 * own health check turns healthy once the node is ready, the entry point ends the JVM on an
 * OutOfMemoryError. Runs where a Docker engine exists (the build runs Maven inside, several
 * minutes) and is skipped elsewhere; DockerFilesTest checks the same files without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class NodeImageIT {

    @Test
    void theNodeImageShouldBuildAndItsHealthCheckSayReadyOnceTheNodeIs() throws Exception {
        Path home = TestHome.path();
        ImageFromDockerfile image = new ImageFromDockerfile("mailgrid-node-it", true).withDockerfilePath("docker/Dockerfile");
        for (String shipped : List.of("pom.xml", "config", "routes", "broker-config", "docker")) {
            image.withFileFromPath(shipped, home.resolve(shipped));
        }
        try (Stream<Path> modules = Files.list(home.resolve("modules"))) {
            for (Path module : modules.toList()) { // sources and poms only: never the modules' target/
                String name = "modules/" + module.getFileName();
                image.withFileFromPath(name + "/pom.xml", module.resolve("pom.xml"));
                if (Files.isDirectory(module.resolve("src"))) {
                    image.withFileFromPath(name + "/src", module.resolve("src"));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try (GenericContainer<?> node = new GenericContainer<>(image)
                .withCommand("run", "--node", "image")
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(3)))) {
            node.start();
            assertThat(node.getCurrentContainerInfo().getState().getHealth().getStatus()).isEqualTo("healthy");
            assertThat(String.join(" ", node.getCurrentContainerInfo().getConfig().getEntrypoint()))
                    .contains("-XX:+ExitOnOutOfMemoryError");
            assertThat(node.getCurrentContainerInfo().getConfig().getUser()).isEqualTo("mailgrid");
            Container.ExecResult check = node.execInContainer("/opt/mailgrid/healthcheck");
            assertThat(check.getExitCode()).as(check.getStdout() + check.getStderr()).isZero();
        }
    }
}
