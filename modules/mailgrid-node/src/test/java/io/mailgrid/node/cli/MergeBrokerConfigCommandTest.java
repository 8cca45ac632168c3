package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailgrid merge-broker-config} on the command line. */
class MergeBrokerConfigCommandTest {

    private static final String EXISTING = """
            <?xml version='1.0'?>
            <configuration xmlns="urn:activemq">
               <core xmlns="urn:activemq:core">
                  <security-settings>
                     <security-setting match="activemq.management.#">
                        <permission type="manage" roles="admin"/>
                     </security-setting>
                  </security-settings>
               </core>
            </configuration>
            """;

    @TempDir
    Path dir;

    @Test
    void mergeShouldWriteTheFileAndKeepTheOriginal() throws Exception {
        Path target = Files.writeString(dir.resolve("broker.xml"), EXISTING);

        assertThat(MailgridCommand.execute("merge-broker-config", "--plugin", target.toString())).isZero();

        assertThat(Files.readString(target)).contains("<!-- mailgrid:begin", "match=\"mailgrid.#\"", "<address-settings>",
                "name=\"mailgrid.dlq\"", "roles=\"admin,mailgrid,mailgrid-operator\"", "<management-message-rbac>true</management-message-rbac>", "io.mailgrid.broker.FailedConnectionGuard");
        assertThat(Files.readString(dir.resolve("broker.xml.before-mailgrid"))).isEqualTo(EXISTING);
    }

    @Test
    void aDryRunShouldLeaveTheFileAlone() throws Exception {
        Path target = Files.writeString(dir.resolve("broker.xml"), EXISTING);

        assertThat(MailgridCommand.execute("merge-broker-config", "--dry-run", target.toString())).isZero();

        assertThat(Files.readString(target)).isEqualTo(EXISTING);
        assertThat(dir.resolve("broker.xml.before-mailgrid")).doesNotExist();
    }

    @Test
    void aMissingFileShouldBeAUsageError() {
        assertThat(MailgridCommand.execute("merge-broker-config", dir.resolve("nope.xml").toString())).isEqualTo(2);
    }
}
