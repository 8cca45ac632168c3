package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailFileTest {

    private static final String KEY = "mailgrid.pickup.size-limit";

    @TempDir
    Path dir;

    @Test
    void aFileFarLargerThanTheHeapShouldBeRefusedWithoutReadingIt() throws Exception {
        Path huge = dir.resolve("huge.eml");
        try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(8L << 30); // 8 GB, no disk used
        }

        long started = System.nanoTime();
        assertThatThrownBy(() -> MailFile.read(huge, 10 << 20, KEY, false)).isInstanceOf(RejectedMailException.class)
                .hasMessage("larger than the limit: 8589934592 bytes, at most 10485760 bytes (" + KEY + ")");
        assertThat(System.nanoTime() - started).as("not read").isLessThan(1_000_000_000L);
    }

    @Test
    void aFileThatGrowsPastTheLimitWhileReadShouldBeRefused() throws Exception {
        byte[] grown = new byte[3000];

        assertThat(MailFile.readAtMost(new ByteArrayInputStream(grown), 1000, 2999)).isNull();
        assertThat(MailFile.readAtMost(new ByteArrayInputStream(grown), 1000, 3000)).hasSize(3000);
        assertThat(MailFile.readAtMost(new ByteArrayInputStream(grown), 5000, 5000)).hasSize(3000);
    }

    @Test
    void aSymbolicLinkShouldBeFollowedOnlyWhenAsked() throws Exception {
        Path target = Files.writeString(dir.resolve("target.eml"), "To: b@example.com\r\n\r\nhi\r\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.eml"), target);

        assertThat(MailFile.read(link, 1000, KEY, true)).isEqualTo(Files.readAllBytes(target));
        assertThatThrownBy(() -> MailFile.read(link, 1000, KEY, false)).isInstanceOf(RejectedMailException.class)
                .hasMessage("a symbolic link, not a regular file: links are not followed");
    }

    @Test
    void aDirectoryAnEmptyFileAndAMissingFileShouldEachSaySo() throws Exception {
        Path directory = Files.createDirectory(dir.resolve("dir.eml"));
        Path empty = Files.createFile(dir.resolve("empty.eml"));

        assertThatThrownBy(() -> MailFile.read(directory, 1000, KEY, false)).hasMessage("a directory, not a regular file");
        assertThatThrownBy(() -> MailFile.read(empty, 1000, KEY, false)).hasMessage("the file is empty");
        assertThatThrownBy(() -> MailFile.read(dir.resolve("gone.eml"), 1000, KEY, false))
                .isInstanceOf(NoSuchFileException.class);
    }
}
