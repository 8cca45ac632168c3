package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailgridConfigTest {

    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("mailgrid.properties"), content);
    }

    @Test
    void laterSourcesShouldOverrideEarlierOnes() throws IOException {
        Path file = file("mailgrid.node.name=from-file\nmailgrid.grabber.consumers=4\nmailgrid.data.dir=/file\n");
        Properties system = new Properties();
        system.setProperty("mailgrid.grabber.consumers", "6");
        system.setProperty("unrelated.key", "ignored");

        MailgridConfig config = MailgridConfig.load(file,
                Map.of("MAILGRID_NODE_NAME", "from-env", "MAILGRID_GRABBER_CONSUMERS", "5"),
                system, Map.of(CoreSettingsCatalog.DATA_DIR, "/cli"));

        assertThat(config.string(CoreSettingsCatalog.NODE_NAME)).isEqualTo("from-env");
        assertThat(config.integer(CoreSettingsCatalog.GRABBER_CONSUMERS)).isEqualTo(6);
        assertThat(config.string(CoreSettingsCatalog.DATA_DIR)).isEqualTo("/cli");
        assertThat(config.asMap()).doesNotContainKey("unrelated.key");
    }

    @Test
    void environmentVariablesShouldOnlySetKeysTheFileDeclares() throws IOException {
        MailgridConfig config = MailgridConfig.load(file("mailgrid.node.name=a\n"),
                Map.of("MAILGRID_SOMETHING_ELSE", "x"), new Properties(), Map.of());

        assertThat(config.asMap()).containsOnlyKeys(CoreSettingsCatalog.NODE_NAME);
    }

    @Test
    void environmentVariablesShouldAlsoSetDeclaredKeysAShortFileLeavesOut() throws IOException {
        // an operator's own two-line file: the password from the environment must still count
        MailgridConfig config = MailgridConfig.load(file("mailgrid.node.name=a\n"),
                List.of(CoreSettingsCatalog.BROKER_PASSWORD), Map.of("MAILGRID_BROKER_PASSWORD", "secret",
                        "MAILGRID_SOMETHING_ELSE", "x"), new Properties(), Map.of());

        assertThat(config.asMap()).containsOnlyKeys(CoreSettingsCatalog.NODE_NAME, CoreSettingsCatalog.BROKER_PASSWORD);
        assertThat(config.string(CoreSettingsCatalog.BROKER_PASSWORD)).isEqualTo("secret");
    }

    @Test
    void environmentNamesShouldTurnDotsAndDashesIntoUnderscores() {
        assertThat(MailgridConfig.environmentName("mailgrid.broker.connection-ttl"))
                .isEqualTo("MAILGRID_BROKER_CONNECTION_TTL");
    }

    @Test
    void durationsShouldAcceptUnitsAndBareMilliseconds() {
        MailgridConfig config = MailgridConfig.of(Map.of("a", "15m", "b", "500ms", "c", "250", "d", "10s"));

        assertThat(config.duration("a")).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.duration("b")).isEqualTo(Duration.ofMillis(500));
        assertThat(config.duration("c")).isEqualTo(Duration.ofMillis(250));
        assertThat(config.duration("d")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void sizesShouldAcceptBinaryUnitsAndListsShouldDropEmptyItems() {
        MailgridConfig config = MailgridConfig.of(Map.of("a", "64KB", "b", "25MB", "c", "1g", "d", "512", "e", "lots",
                "l", " exe, ,scr ,", "empty", " "));

        assertThat(config.bytes("a")).isEqualTo(65_536);
        assertThat(config.bytes("b")).isEqualTo(25L << 20);
        assertThat(config.bytes("c")).isEqualTo(1L << 30);
        assertThat(config.bytes("d")).isEqualTo(512);
        assertThatThrownBy(() -> config.bytes("e")).isInstanceOf(ConfigException.class).hasMessageContaining("e: expected a size");
        assertThat(config.list("l")).containsExactly("exe", "scr");
        assertThat(config.list("empty")).isEmpty();
        assertThat(config.list("missing")).isEmpty();
    }

    @Test
    void badValuesShouldFailNamingTheKeyAndTheValue() {
        MailgridConfig config = MailgridConfig.of(Map.of("n", "four", "d", "soon", "b", "maybe", "small", "0"));

        assertThatThrownBy(() -> config.integer("n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("n: expected a whole number, got 'four'");
        assertThatThrownBy(() -> config.duration("d")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("d: expected a duration");
        assertThatThrownBy(() -> config.bool("b")).hasMessageContaining("b: expected true or false");
        assertThatThrownBy(() -> config.integer("small", 1)).hasMessageContaining("small: must be at least 1");
        assertThatThrownBy(() -> config.string("missing")).hasMessageContaining("missing is not set")
                .hasMessageContaining("MISSING");
    }

    @Test
    void aMissingFileShouldFailWithItsPath() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> MailgridConfig.load(missing, Map.of(), new Properties(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void theShippedFileShouldDocumentEveryKeyWithAComment() throws IOException {
        Path shipped = shippedConfig();
        String previous = "";
        for (String line : Files.readAllLines(shipped)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                assertThat(previous).as("comment above '%s'", line).startsWith("#");
            }
            previous = line;
        }
    }

    static Path shippedConfig() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("config/mailgrid.properties"))) {
            dir = dir.getParent();
        }
        return dir.resolve("config/mailgrid.properties");
    }
}
