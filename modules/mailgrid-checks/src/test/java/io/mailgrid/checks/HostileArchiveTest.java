package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.Extractors;
import io.mailgrid.testing.HostileArchive;
import io.mailgrid.testing.MimeMail;

/**
 * Attachments built to slip a blocked file past the attachment policy, each checked first with an
 * independent extractor (Python's zipfile, the JDK's streaming reader, Debian's tnef) to show the
 * file is really there for whoever opens the mail.
 */
class HostileArchiveTest {

    private static final byte[] PROGRAM = "MZ\u0090\u0000 this program cannot be run in DOS mode".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;
    private AttachmentPolicy policy;

    @BeforeEach
    void shippedPolicy() {
        policy = AttachmentPolicy.from(Mails.config(dir, Map.of()));
    }

    private CheckResult check(byte[] mail) throws CheckFailedException {
        return policy.check(Mails.under(mail));
    }

    private static byte[] withAttachment(String name, String type, byte[] content) {
        return MimeMail.to("bob@example.com").text("see attached").attachment(name, type, content).bytes();
    }

    private static byte[] withZip(String name, byte[] zip) {
        return withAttachment(name, "application/zip", zip);
    }

    // --- case 1: finding the archive as extractors do ---

    @Test
    void aZipBehindOneJunkByteShouldBeFoundAsExtractorsFindIt() throws Exception {
        byte[] zip = HostileArchive.prefixed(new byte[] {'X'}, HostileArchive.zip("evil.exe", PROGRAM));
        assertThat(Extractors.pythonZipNames(zip)).as("Python's zipfile opens it").containsExactly("evil.exe");

        CheckResult result = check(withZip("invoice.zip", zip));

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("'invoice.zip' contains 'evil.exe' that has a blocked extension (.exe)");
    }

    @Test
    void aSelfExtractingStubInFrontAndACommentBehindShouldNotHideAnEntry() throws Exception {
        byte[] zip = HostileArchive.prefixed(HostileArchive.executableStub(70_000),
                HostileArchive.zipWithComment(Map.of("readme.txt", "hi".getBytes(), "setup.scr", PROGRAM), "x".repeat(4000)));
        assertThat(Extractors.pythonZipNames(zip)).contains("setup.scr");

        CheckResult result = check(withAttachment("photos.dat", "application/octet-stream", zip));

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("'photos.dat' contains 'setup.scr' that has a blocked extension (.scr)");
    }

    @Test
    void aLocalHeaderThatNamesAnotherFileThanTheCentralDirectoryShouldBlock() throws Exception {
        byte[] zip = HostileArchive.localNameReplaced(HostileArchive.zip("readme.txt", PROGRAM), "readme.txt", "evilxx.exe");
        assertThat(Extractors.pythonZipNames(zip)).containsExactly("readme.txt");
        assertThat(Extractors.streamingZipNames(zip)).containsExactly("evilxx.exe");

        CheckResult result = check(withZip("docs.zip", zip));

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("'docs.zip' names an entry 'readme.txt' in its central directory and 'evilxx.exe' in its local header");
    }

    @Test
    void anEntryOnlyAStreamingReaderSeesShouldBlock() throws Exception {
        byte[] zip = HostileArchive.hiddenLocalEntries(HostileArchive.zip("evil.exe", PROGRAM),
                HostileArchive.zip("readme.txt", "harmless".getBytes()));
        assertThat(Extractors.pythonZipNames(zip)).containsExactly("readme.txt");
        assertThat(Extractors.streamingZipNames(zip)).startsWith("evil.exe");

        CheckResult result = check(withZip("docs.zip", zip));

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("'docs.zip' has a local entry 'evil.exe' that its central directory does not list");
    }

    @Test
    void aHarmlessZipBehindAStubShouldStayClean() throws Exception {
        byte[] zip = HostileArchive.prefixed(HostileArchive.executableStub(5000),
                HostileArchive.zipWithComment(Map.of("a.txt", "a".getBytes(), "b.pdf", new byte[3000]), "made by an SFX tool"));

        assertThat(check(withZip("docs.zip", zip))).isEqualTo(CheckResult.clean());
    }

    @Test
    void aLargeZipBehindAStubShouldBeOpenedWithinTheMailsOwnSize() throws Exception {
        byte[] noise = new byte[12 << 20];
        new java.util.Random(3).nextBytes(noise);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("video.mp4", noise);
        entries.put("codec.exe", PROGRAM);
        byte[] zip = HostileArchive.prefixed(HostileArchive.executableStub(4096), HostileArchive.storedZip(entries));

        CheckResult result = check(withAttachment("video.bin", "application/octet-stream", zip));

        assertThat(result.reason()).isEqualTo("'video.bin' contains 'codec.exe' that has a blocked extension (.exe)");
    }

    @Test
    void archivesInsideArchivesShouldBeOpenedByContentToTheConfiguredDepth() throws Exception {
        byte[] three = HostileArchive.nestedZips(3, "evil.exe", PROGRAM);
        byte[] disguised = HostileArchive.zip("holiday.jpg", HostileArchive.prefixed(new byte[] {0}, HostileArchive.zip("run.bat", PROGRAM)));
        byte[] inTarGz = HostileArchive.gzip(tar(Map.of("docs/notes.txt", "x".getBytes(), "docs/pack.bin",
                HostileArchive.storedZip(Map.of("tool.vbs", PROGRAM)))));

        assertThat(check(withZip("outer.zip", three)).reason())
                .isEqualTo("'outer.zip' > 'level1.zip' > 'level2.zip' contains 'evil.exe' that has a blocked extension (.exe)");
        assertThat(check(withZip("photos.zip", disguised)).reason())
                .isEqualTo("'photos.zip' > 'holiday.jpg' contains 'run.bat' that has a blocked extension (.bat)");
        assertThat(check(withAttachment("docs.tgz", "application/gzip", inTarGz)).reason())
                .isEqualTo("'docs.tgz' > 'docs/pack.bin' contains 'tool.vbs' that has a blocked extension (.vbs)");
    }

    @Test
    void anArchiveNestedDeeperThanTheLimitShouldCountAsUnreadable() throws Exception {
        byte[] four = HostileArchive.nestedZips(4, "notes.txt", "harmless".getBytes());
        AttachmentPolicy shallow = AttachmentPolicy.from(Mails.config(dir, Map.of(AttachmentPolicySettings.ARCHIVE_MAX_DEPTH, "1")));

        assertThat(check(withZip("outer.zip", four)).reason())
                .isEqualTo("'outer.zip' > 'level1.zip' > 'level2.zip' > 'level3.zip' is an archive nested more than 3 deep");
        assertThat(check(withZip("outer.zip", HostileArchive.nestedZips(3, "notes.txt", "harmless".getBytes()))))
                .isEqualTo(CheckResult.clean());
        assertThat(shallow.check(Mails.under(withZip("outer.zip", HostileArchive.nestedZips(2, "a.txt", new byte[1])))).reason())
                .isEqualTo("'outer.zip' > 'level1.zip' is an archive nested more than 1 deep");
    }

    @Test
    void aTnefWinmailDatShouldHaveItsAttachmentsChecked() throws Exception {
        byte[] tnef = HostileArchive.tnef(Map.of("quarterly report.pdf", new byte[200], "invoice-details.exe", PROGRAM));
        assertThat(Extractors.tnefNames(tnef)).contains("invoice-details.exe");
        byte[] harmless = HostileArchive.tnef(Map.of("agenda.docx", new byte[100]));
        byte[] zipInside = HostileArchive.tnef(Map.of("photos.zip", HostileArchive.zip("show.js", PROGRAM)));

        assertThat(check(withAttachment("winmail.dat", "application/ms-tnef", tnef)).reason())
                .isEqualTo("'winmail.dat' contains 'invoice-details.exe' that has a blocked extension (.exe)");
        assertThat(check(withAttachment("winmail.dat", "application/ms-tnef", harmless))).isEqualTo(CheckResult.clean());
        assertThat(check(withAttachment("data.bin", "application/octet-stream", zipInside)).reason())
                .isEqualTo("'data.bin' > 'photos.zip' contains 'show.js' that has a blocked extension (.js)");
    }

    @Test
    void aUuencodedFileInATextPartShouldBeCheckedByNameAndContent() throws Exception {
        String program = Extractors.pythonUuencode("update.exe", PROGRAM);
        String zip = Extractors.pythonUuencode("notes.dat", HostileArchive.zip("macro.vbs", PROGRAM));
        String text = Extractors.pythonUuencode("notes.txt", "just text".getBytes());

        assertThat(check(MimeMail.to("bob@example.com").text("Hello,\r\n\r\n" + program + "\r\nbye").bytes()).reason())
                .isEqualTo("part 1 (text/plain) has a uuencoded file 'update.exe' that has a blocked extension (.exe)");
        assertThat(check(MimeMail.to("bob@example.com").text("see below\r\n" + zip).bytes()).reason())
                .isEqualTo("part 1 (text/plain) > 'notes.dat' contains 'macro.vbs' that has a blocked extension (.vbs)");
        assertThat(check(MimeMail.to("bob@example.com").text("see below\r\n" + text + "\r\nand let us begin 644 days of work").bytes()))
                .isEqualTo(CheckResult.clean());
    }

    // --- case 5: names reach reasons (logged, stamped, shown on terminals) escaped ---

    @Test
    void controlCharactersInEntryAndFileNamesShouldReachTheReasonEscaped() throws Exception {
        byte[] zip = HostileArchive.zip("notes\n12:00:00.000 INFO  forged\u001b[2J.exe", PROGRAM);
        byte[] encodedName = MimeMail.to("bob@example.com").rawPart("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''a%0Db%1B%5D0%3Bx%07.scr\r\n\r\nMZ\r\n").bytes();

        assertThat(check(withZip("x.zip", zip)).reason())
                .isEqualTo("'x.zip' contains 'notes\\n12:00:00.000 INFO  forged\\u001b[2J.exe' that has a blocked extension (.exe)");
        assertThat(check(encodedName).reason()).isEqualTo("'a\\rb\\u001b]0;x\\u0007.scr' has a blocked extension (.scr)");
    }

    // --- case 2: one unpack budget per mail ---

    @Test
    void manyArchivesEachUnderTheLimitShouldShareOneBudgetPerMail() throws Exception {
        AttachmentPolicy small = AttachmentPolicy.from(Mails.config(dir, Map.of(AttachmentPolicySettings.ARCHIVE_MAX_SIZE, "10MB")));
        byte[] nineMegabytes = HostileArchive.zeros("zeros.txt", 9L << 20);
        MimeMail mail = MimeMail.to("bob@example.com").text("three archives");
        for (int i = 1; i <= 3; i++) {
            mail.attachment("part" + i + ".zip", "application/zip", nineMegabytes);
        }

        assertThat(small.check(Mails.under(withZip("one.zip", nineMegabytes)))).isEqualTo(CheckResult.clean());
        CheckResult result = small.check(Mails.under(mail.bytes()));

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("the archives of this mail unpack to more than 10 MB (reading stopped in 'part2.zip')");
    }

    @Test
    void nestedArchivesShouldCountAgainstTheSameBudget() throws Exception {
        AttachmentPolicy small = AttachmentPolicy.from(Mails.config(dir, Map.of(AttachmentPolicySettings.ARCHIVE_MAX_SIZE, "10MB")));
        byte[] sixMegabytes = HostileArchive.zeros("zeros.txt", 6L << 20);
        Map<String, byte[]> twoInner = new LinkedHashMap<>();
        twoInner.put("a.zip", sixMegabytes);
        twoInner.put("b.zip", sixMegabytes);

        CheckResult result = small.check(Mails.under(withZip("outer.zip", MimeMail.zip(twoInner))));

        assertThat(result.reason()).isEqualTo("the archives of this mail unpack to more than 10 MB (reading stopped in 'outer.zip' > 'b.zip')");
    }

    @Test
    void archiveEntriesShouldBeCountedPerMailAcrossParts() throws Exception {
        MimeMail mail = MimeMail.to("bob@example.com").text("three archives of 400 entries");
        for (int i = 1; i <= 3; i++) {
            mail.attachment("part" + i + ".zip", "application/zip", HostileArchive.manyEntries("f", 400));
        }

        assertThat(check(withZip("one.zip", HostileArchive.manyEntries("f", 400)))).isEqualTo(CheckResult.clean());
        assertThat(check(mail.bytes()).reason())
                .isEqualTo("the archives of this mail have more than 1000 entries (reading stopped in 'part3.zip')");
    }

    @Test
    void archivesJustUnderTheShippedLimitInOneMailShouldStopAtOneHundredMegabytesOfUnpacking() throws Exception {
        byte[] almost100 = HostileArchive.zeros("zeros.txt", (100L << 20) - 4096);
        MimeMail mail = MimeMail.to("bob@example.com").text("five archives of almost 100 MB each");
        for (int i = 1; i <= 5; i++) {
            mail.attachment("part" + i + ".zip", "application/zip", almost100);
        }
        byte[] bytes = mail.bytes();

        long started = System.nanoTime();
        CheckResult result = check(bytes);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(bytes.length).isLessThan(2 << 20);
        assertThat(result.reason()).isEqualTo("the archives of this mail unpack to more than 100 MB (reading stopped in 'part2.zip')");
        // the reason shows reading stopped in the second part: parts 3 to 5 were never unpacked
        System.out.printf("5 x 100 MB of zip parts in a %d KB mail: blocked after %d ms%n", bytes.length >> 10, took.toMillis());
    }

    private static byte[] tar(Map<String, byte[]> entries) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : new java.util.TreeMap<>(entries).entrySet()) {
                org.apache.commons.compress.archivers.tar.TarArchiveEntry header =
                        new org.apache.commons.compress.archivers.tar.TarArchiveEntry(entry.getKey());
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }
}
