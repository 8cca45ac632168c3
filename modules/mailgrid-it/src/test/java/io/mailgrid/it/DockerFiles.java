package io.mailgrid.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.mailgrid.testing.TestHome;

/** Reads docker/compose.yaml for the tests that check it (with and without a Docker engine). */
final class DockerFiles {

    /** Where the broker image copies configuration files over its instance's etc/ at start. */
    static final String ETC_OVERRIDE = "/var/lib/artemis-instance/etc-override/";

    private DockerFiles() {
    }

    static Path dockerDir() {
        return TestHome.path().resolve("docker");
    }

    static JsonNode compose() {
        try {
            return new YAMLMapper().readTree(dockerDir().resolve("compose.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A service's environment, values as text. */
    static Map<String, String> environment(JsonNode compose, String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> variable : compose.path("services").path(service).path("environment").properties()) {
            environment.put(variable.getKey(), variable.getValue().asText());
        }
        return environment;
    }

    /** The broker's bind mounts: container path to host path (resolved against docker/). */
    static Map<String, Path> brokerMounts(JsonNode compose) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        compose.path("services").path("broker").path("volumes").forEach(volume -> {
            String[] parts = volume.asText().split(":");
            if (parts[0].startsWith(".")) {
                mounts.put(parts[1], dockerDir().resolve(parts[0]).normalize());
            }
        });
        return mounts;
    }

    /** The broker's image, e.g. apache/artemis:2.56.0. */
    static String brokerImage(JsonNode compose) {
        return compose.path("services").path("broker").path("image").asText();
    }
}
