package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The command line authenticates as the operator, not as a node: an operator's properties file
 * needs the operator's password and never the nodes' one, and every command works with it.
 */
class OperatorLoginTest {

    private static final String OPERATOR_PASSWORD = "mailgrid.broker.operator-password";

    @TempDir
    Path dir;

    @Test
    void everyCommandShouldWorkWithTheOperatorsLoginAndWithoutTheNodesPassword() throws Exception {
        try (TestNode a = TestNode.start(dir.resolve("a"), Map.of(CoreSettingsCatalog.BROKER_PASSWORD, "node-secret",
                OPERATOR_PASSWORD, "operator-secret"))) {
            Path operatorConfig = dir.resolve("operator.properties");
            Files.writeString(operatorConfig, Files.readString(TestHome.path().resolve("config/mailgrid.properties"))
                    + "\n" + OPERATOR_PASSWORD + "=operator-secret\n"
                    + CoreSettingsCatalog.BROKER_PASSWORD + "=not-the-nodes-password\n", StandardCharsets.UTF_8);
            Path mail = Files.write(dir.resolve("mail.eml"), TestMail.to("bob@example.com").bytes());
            String[] login = {"--config", operatorConfig.toString(), "--broker", a.brokerUrl()};

            assertThat(TestNode.runCommand(with(login, "submit", "--node", "a", mail.toString()))).isNotBlank();
            assertThat(TestNode.runCommand(with(login, "status"))).contains("mailgrid.mailbox.a");
            assertThat(TestNode.runCommand(with(login, "quarantine", "list"))).contains("quarantine");
            assertThat(TestNode.runCommand(with(login, "maintenance", "a", "on", "--wait", "0"))).contains("requested");
            assertThat(TestNode.runCommand(with(login, "maintenance", "a", "off", "--wait", "0"))).contains("requested");
        }
    }

    private static String[] with(String[] login, String... command) {
        String[] all = new String[command.length + login.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(login, 0, all, command.length, login.length);
        return all;
    }
}
