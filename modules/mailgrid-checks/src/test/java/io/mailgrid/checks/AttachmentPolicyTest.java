package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.BadMail;
import io.mailgrid.testing.MimeMail;

/** The attachment policy with the shipped settings: names, types, archives, sizes, and bad MIME. */
class AttachmentPolicyTest {

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

    @Test
    void aMailWithHarmlessAttachmentsShouldBeClean() throws Exception {
        byte[] zip = MimeMail.zip(Map.of("notes.txt", "hello".getBytes(), "photo.jpg", new byte[1000]));
        byte[] mail = MimeMail.to("bob@example.com").text("hi").attachment("report.pdf", "application/pdf", new byte[5000])
                .attachment("notes.zip", "application/zip", zip).bytes();

        assertThat(check(mail)).isEqualTo(CheckResult.clean());
    }

    @Test
    void aBlockedExtensionShouldBlockWhateverTheCaseDoubleExtensionOrTrailingDots() throws Exception {
        for (String name : new String[] {"setup.exe", "INVOICE.PDF.EXE", "run.scr.", "script.vbs  ", "a.b.c.js"}) {
            CheckResult result = check(withAttachment(name, "application/octet-stream", new byte[10]));
            assertThat(result.verdict()).as(name).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
            assertThat(result.reason()).as(name).contains("blocked extension");
        }
        assertThat(check(withAttachment("exe.txt", "text/plain", new byte[10])).verdict()).isEqualTo(Verdict.CLEAN);
    }

    @Test
    void aNameHiddenBehindANulOrEncodedWordsShouldStillBeSeen() throws Exception {
        byte[] encoded = MimeMail.to("bob@example.com").rawPart("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"=?utf-8?B?" + java.util.Base64.getEncoder()
                        .encodeToString("rechnung.exe".getBytes()) + "?=\"\r\n\r\nMZ\r\n").bytes();
        byte[] rfc2231 = MimeMail.to("bob@example.com").rawPart("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''fa%C3%A7ture.exe\r\n\r\nMZ\r\n").bytes();

        assertThat(check(encoded).reason()).contains("rechnung.exe").contains(".exe");
        assertThat(check(rfc2231).reason()).contains("fa\u00e7ture.exe");
        assertThat(check(BadMail.nulBytes()).verdict()).isEqualTo(Verdict.CLEAN);
    }

    @Test
    void aBlockedMimeTypeShouldBlockEvenWithoutAName() throws Exception {
        byte[] mail = MimeMail.to("bob@example.com").rawPart("Content-Type: application/x-msdownload\r\n\r\nMZ\r\n").bytes();

        CheckResult result = check(mail);

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("part 1 (application/x-msdownload) has a blocked type (application/x-msdownload)");
    }

    @Test
    void aBlockedFileInsideAZipShouldBlockWhateverTheZipIsCalled() throws Exception {
        byte[] zip = MimeMail.zip(Map.of("docs/readme.txt", "x".getBytes(), "docs/invoice.pdf.exe", new byte[100]));

        CheckResult asZip = check(withAttachment("invoice.zip", "application/zip", zip));
        CheckResult disguised = check(withAttachment("holiday.jpg", "image/jpeg", zip));

        assertThat(asZip.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(asZip.reason()).isEqualTo("'invoice.zip' contains 'docs/invoice.pdf.exe' that has a blocked extension (.exe)");
        assertThat(disguised.reason()).contains("'holiday.jpg' contains 'docs/invoice.pdf.exe'");
    }

    @Test
    void aBlockedFileInsideATarOrATarGzOrAGzipShouldBlock() throws Exception {
        byte[] tar = tar(Map.of("ok.txt", "fine".getBytes(), "tool.bat", "@echo off".getBytes()));

        assertThat(check(withAttachment("files.tar", "application/x-tar", tar)).reason())
                .contains("'files.tar' contains 'tool.bat'");
        assertThat(check(withAttachment("files.tgz", "application/gzip", gzip(tar, null))).reason())
                .contains("'files.tgz' contains 'tool.bat'");
        assertThat(check(withAttachment("payload.exe.gz", "application/gzip", gzip("MZ".getBytes(), null))).reason())
                .contains("contains 'payload.exe'");
        assertThat(check(withAttachment("data.gz", "application/gzip", gzip("MZ".getBytes(), "setup.msi"))).reason())
                .contains("contains 'setup.msi'");
        assertThat(check(withAttachment("notes.tgz", "application/gzip", gzip(tar(Map.of("a.txt", new byte[3])), null))))
                .isEqualTo(CheckResult.clean());
    }

    @Test
    void aZipThatExpandsWithoutBoundShouldBeBlockedAfterReadingOnlyUpToTheLimit() throws Exception {
        AttachmentPolicy small = AttachmentPolicy.from(Mails.config(dir, Map.of(AttachmentPolicySettings.ARCHIVE_MAX_SIZE, "10MB")));
        byte[] bomb = BadMail.zipBomb(1L << 30); // 1 GiB of zeros in about a megabyte

        long started = System.nanoTime();
        CheckResult result = small.check(Mails.under(bomb));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(bomb.length).isLessThan(3 << 20);
        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).isEqualTo("the archives of this mail unpack to more than 10 MB (reading stopped in 'harmless.zip')");
        assertThat(took).as("stopped at the limit, did not unpack a gigabyte").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void anArchiveWithMoreEntriesThanTheMailMayReadShouldCountAsUnreadable() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 1001; i++) {
            entries.put("f" + i + ".txt", new byte[0]);
        }

        CheckResult result = check(withAttachment("many.zip", "application/zip", MimeMail.zip(entries)));

        assertThat(result.reason()).isEqualTo("the archives of this mail have more than 1000 entries (reading stopped in 'many.zip')");
    }

    @Test
    void anEncryptedOrBrokenZipShouldBlockUnlessUnreadableArchivesAreAllowed() throws Exception {
        byte[] encrypted = encryptedZip();
        byte[] broken = MimeMail.zip(Map.of("a.txt", new byte[5000]));
        broken[40] ^= 0x55;
        broken[41] ^= 0x55; // damage the compressed data
        AttachmentPolicy lenient = AttachmentPolicy.from(Mails.config(dir,
                Map.of(AttachmentPolicySettings.BLOCK_UNREADABLE_ARCHIVES, "false")));

        assertThat(check(withAttachment("secret.zip", "application/zip", encrypted)).reason()).isEqualTo("'secret.zip' is encrypted");
        assertThat(check(withAttachment("broken.zip", "application/zip", broken)).reason()).startsWith("'broken.zip' cannot be read as zip");
        assertThat(lenient.check(Mails.under(withAttachment("secret.zip", "application/zip", encrypted)))).isEqualTo(CheckResult.clean());
        assertThat(check(withAttachment("x.7z", "application/x-7z-compressed",
                new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4, 1, 2, 3, 4})).reason())
                .contains("7z archive");
    }

    @Test
    void aPartLargerThanTheLimitShouldBeBlockedWithTheLimitInTheReason() throws Exception {
        AttachmentPolicy small = AttachmentPolicy.from(Mails.config(dir, Map.of(AttachmentPolicySettings.MAX_SIZE, "64KB")));

        CheckResult result = small.check(Mails.under(withAttachment("big.bin", "application/octet-stream", new byte[70_000])));

        assertThat(result.reason()).isEqualTo("'big.bin' is larger than 64 KB");
        assertThat(small.check(Mails.under(withAttachment("ok.bin", "application/octet-stream", new byte[60_000]))))
                .isEqualTo(CheckResult.clean());
    }

    private static byte[] tar(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] content, String innerName) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GzipParameters parameters = new GzipParameters();
        if (innerName != null) {
            parameters.setFileName(innerName);
        }
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out, parameters)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    /** A zip whose entry is flagged as encrypted (the flag, bit 0 of the general purpose bits, is what readers go by). */
    private static byte[] encryptedZip() {
        byte[] zip = MimeMail.zip(Map.of("salary.xlsx", "not really encrypted".getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i + 8 < zip.length; i++) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
                zip[i + 6] |= 1; // local file header
            } else if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                zip[i + 8] |= 1; // central directory header
            }
        }
        return zip;
    }
}
