package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SettledFilesTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Duration MIN_AGE = Duration.ofSeconds(2);

    /** What the file system says about a regular file. */
    private record File(Object fileKey, long size, Instant modified) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.from(modified);
        }

        @Override
        public FileTime lastAccessTime() {
            return lastModifiedTime();
        }

        @Override
        public FileTime creationTime() {
            return lastModifiedTime();
        }

        @Override
        public boolean isRegularFile() {
            return true;
        }

        @Override
        public boolean isDirectory() {
            return false;
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }
    }

    @Test
    void aFileUnchangedForMinAgeShouldBeTakenAtOnce() {
        SettledFiles settled = new SettledFiles(MIN_AGE);

        assertThat(settled.settled("old.eml", new File(1, 100, NOW.minusSeconds(2)), NOW)).isTrue();
        assertThat(settled.watched()).isZero();
    }

    @Test
    void aFileJustWrittenShouldWaitUntilItStaysUnchangedForMinAge() {
        SettledFiles settled = new SettledFiles(MIN_AGE);
        File writing = new File(1, 100, NOW);

        assertThat(settled.settled("a.eml", writing, NOW)).isFalse();
        assertThat(settled.settled("a.eml", writing, NOW.plusMillis(1999))).isFalse();
        assertThat(settled.settled("a.eml", writing, NOW.plusSeconds(2))).isTrue();
    }

    @Test
    void aFileThatKeepsGrowingShouldNeverBeTaken() {
        SettledFiles settled = new SettledFiles(MIN_AGE);

        for (int second = 0; second < 60; second++) {
            Instant at = NOW.plusSeconds(second);
            assertThat(settled.settled("cp.eml", new File(1, 100L * second, at.minusMillis(500)), at)).isFalse();
        }
    }

    @Test
    void aFileReplacedUnderTheSameNameShouldStartAgain() {
        SettledFiles settled = new SettledFiles(MIN_AGE);
        Instant future = NOW.plusSeconds(3600); // the file server's clock is an hour ahead

        assertThat(settled.settled("a.eml", new File(1, 100, future), NOW)).isFalse();
        assertThat(settled.settled("a.eml", new File(2, 100, future), NOW.plusSeconds(2))).as("another inode").isFalse();
        assertThat(settled.settled("a.eml", new File(2, 100, future), NOW.plusSeconds(4)))
                .as("unchanged for min-age by the node's clock, whatever the file's time says").isTrue();
    }

    @Test
    void zeroMinAgeShouldTakeEveryFileAtOnce() {
        assertThat(new SettledFiles(Duration.ZERO).settled("a.eml", new File(1, 1, NOW.plusSeconds(60)), NOW)).isTrue();
    }

    @Test
    void filesGoneFromTheFolderShouldBeForgotten() {
        SettledFiles settled = new SettledFiles(MIN_AGE);
        settled.settled("a.eml", new File(1, 1, NOW), NOW);
        settled.settled("b.eml", new File(2, 1, NOW), NOW);

        settled.keepOnly(Set.of("b.eml"));

        assertThat(settled.watched()).isEqualTo(1);
    }
}
