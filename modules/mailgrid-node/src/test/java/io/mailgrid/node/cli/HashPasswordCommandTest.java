package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.ingress.SmtpUsers;
import io.mailgrid.node.runtime.TestNode;

/** {@code mailgrid hash-password}: its line goes into the SMTP users file as it is. */
class HashPasswordCommandTest {

    @TempDir
    Path dir;

    @Test
    void theLineShouldBeAHashTheUsersFileAccepts() throws Exception {
        InputStream original = System.in;
        String line;
        try {
            System.setIn(new ByteArrayInputStream("s3cret pass\n".getBytes(StandardCharsets.UTF_8)));
            line = TestNode.runCommand("hash-password", "alice").trim();
        } finally {
            System.setIn(original);
        }

        assertThat(line).startsWith("alice = ENC(").doesNotContain("s3cret");
        Path users = Files.write(dir.resolve("users.properties"), List.of(line));
        assertThat(SmtpUsers.load(users).size()).isOne();
    }

    @Test
    void aNameTheFileCannotHoldShouldBeAUsageError() {
        assertThat(MailgridCommand.execute("hash-password", "bad name")).isEqualTo(MailgridCommand.EXIT_USAGE);
    }
}
