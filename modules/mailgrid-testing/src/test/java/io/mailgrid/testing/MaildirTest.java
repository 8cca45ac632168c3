package io.mailgrid.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exactly-once count the failure tests rely on must see every copy of a mail. */
class MaildirTest {

    @TempDir
    Path dir;

    @Test
    void aSecondCopyBesideOneAReaderFlaggedInCurShouldBeCountedTwice() throws Exception {
        Path root = dir.resolve("outbox");
        // a reader moved the first delivery to cur/ and flagged it; a redelivery wrote the same name into new/
        write(root.resolve("cur/1700000000.m-1.a:2,S"), "m-1", "<x@test>");
        write(root.resolve("new/1700000000.m-1.a"), "m-1", "<x@test>");
        write(root.resolve("new/1700000000.m-2.a"), "m-2", "<y@test>");

        assertThat(Maildir.mailIdCounts(List.of(Maildir.at(root)))).containsOnly(
                org.assertj.core.api.Assertions.entry("m-1", 2), org.assertj.core.api.Assertions.entry("m-2", 1));
        assertThat(Maildir.at(root).count()).isEqualTo(3);
    }

    @Test
    void copiesOfOneMailUnderDifferentNamesAndInDifferentMaildirsShouldAllCount() throws Exception {
        write(dir.resolve("a/new/1.m-1.a"), "m-1", "<x@test>");
        write(dir.resolve("a/new/1.m-1.a,S=120"), "m-1", "<x@test>"); // renamed by a reader, then delivered again
        write(dir.resolve("b/cur/1.m-1.a:2,"), "m-1", "<x@test>");

        assertThat(Maildir.mailIdCounts(List.of(Maildir.at(dir.resolve("a")), Maildir.at(dir.resolve("b")))))
                .containsOnly(org.assertj.core.api.Assertions.entry("m-1", 3));
    }

    private static void write(Path file, String mailId, String messageId) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "X-Mailgrid-Id: " + mailId + "\r\nX-Mailgrid-Origin: a\r\nMessage-ID: " + messageId
                + "\r\nSubject: t\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
    }
}
