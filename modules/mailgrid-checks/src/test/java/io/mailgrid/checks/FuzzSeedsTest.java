package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.mailgrid.testing.BadMail;
import io.mailgrid.testing.Extractors;
import io.mailgrid.testing.HostileArchive;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestHome;

/**
 * The seed corpus of {@link MailChecksFuzzTest}: real messages and archives, good and hostile, as
 * the test fixtures build them. The files are committed; {@code -Dmailgrid.fuzz.write-seeds=true}
 * writes them again (inputs found by fuzzing sit beside them and are kept).
 */
class FuzzSeedsTest {

    static final Path INPUTS = TestHome.path().resolve(
            "modules/mailgrid-checks/src/test/resources/io/mailgrid/checks/MailChecksFuzzTestInputs");

    @Test
    void theCommittedSeedCorpusShouldHoldEverySeed() throws IOException {
        boolean write = Boolean.getBoolean("mailgrid.fuzz.write-seeds");
        check("everyMailShouldGetAVerdictInTimeWithinTheMailBudget", mails(), write);
        check("everyArchiveShouldGetAFindingInTimeWithinTheMailBudget", archives(), write);
    }

    private static void check(String method, Map<String, byte[]> seeds, boolean write) throws IOException {
        Path dir = INPUTS.resolve(method);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Path file = dir.resolve("seed-" + seed.getKey());
            if (write) {
                Files.createDirectories(dir);
                Files.write(file, seed.getValue());
            }
            assertThat(file).as("seed " + seed.getKey() + " (write with -Dmailgrid.fuzz.write-seeds=true)").exists();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isGreaterThanOrEqualTo(seeds.size());
        }
    }

    private static Map<String, byte[]> mails() {
        byte[] program = "MZ\u0090 program".getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("plain.eml", "From: a@example.com\r\nTo: b@example.com\r\nSubject: hello\r\n\r\nHello, Bob.\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        seeds.put("attachments.eml", MimeMail.to("bob@example.com").subject("confidential report").text("password: see below")
                .attachment("report.pdf", "application/pdf", new byte[300])
                .attachment("notes.zip", "application/zip", HostileArchive.zip("notes.txt", "hello".getBytes())).bytes());
        seeds.put("blocked-in-zip.eml", MimeMail.to("bob@example.com").text("x")
                .attachment("invoice.zip", "application/zip", HostileArchive.zip("invoice.pdf.exe", program)).bytes());
        seeds.put("prefixed-zip.eml", MimeMail.to("bob@example.com").text("x").attachment("a.zip", "application/zip",
                HostileArchive.prefixed(new byte[] {'X'}, HostileArchive.zip("evil.exe", program))).bytes());
        seeds.put("nested-zip.eml", MimeMail.to("bob@example.com").text("x").attachment("n.zip", "application/zip",
                HostileArchive.nestedZips(3, "a.js", program)).bytes());
        seeds.put("tnef.eml", MimeMail.to("bob@example.com").text("x").attachment("winmail.dat", "application/ms-tnef",
                HostileArchive.tnef(Map.of("setup.exe", program))).bytes());
        seeds.put("tgz.eml", MimeMail.to("bob@example.com").text("x").attachment("a.tgz", "application/gzip",
                HostileArchive.gzip(HostileArchive.storedZip(Map.of("a.txt", new byte[10])))).bytes());
        seeds.put("uuencoded.eml", MimeMail.to("bob@example.com").text("see\r\n"
                + Extractors.pythonUuencode("run.exe", program)).bytes());
        seeds.put("encoded-names.eml", MimeMail.to("bob@example.com").rawPart("Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''a%0Db%1B.scr\r\n\r\nMZ\r\n").bytes());
        seeds.put("zip-bomb.eml", BadMail.zipBomb(8L << 20));
        seeds.put("boundary-never-occurs.eml", BadMail.boundaryNeverOccurs());
        seeds.put("missing-closing-boundary.eml", BadMail.missingClosingBoundary());
        seeds.put("overlong-boundary.eml", BadMail.overlongBoundary());
        seeds.put("bad-base64.eml", BadMail.badBase64());
        seeds.put("unknown-encoding.eml", BadMail.unknownTransferEncoding());
        seeds.put("no-header-block.eml", BadMail.noHeaderBlock());
        seeds.put("eight-bit-garbage.eml", BadMail.eightBitGarbage());
        seeds.put("nul-bytes.eml", BadMail.nulBytes());
        seeds.put("nested-multiparts.eml", BadMail.deeplyNested(30));
        return seeds;
    }

    private static Map<String, byte[]> archives() {
        byte[] program = "MZ\u0090 program".getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("zip", HostileArchive.zipWithComment(Map.of("a.txt", "a".getBytes(), "b/c.pdf", new byte[200]), "comment"));
        seeds.put("stored.zip", HostileArchive.storedZip(Map.of("a.txt", "a".getBytes(), "inner.zip",
                HostileArchive.zip("x.js", program))));
        seeds.put("prefixed.zip", HostileArchive.prefixed(HostileArchive.executableStub(300), HostileArchive.zip("evil.exe", program)));
        seeds.put("local-name.zip", HostileArchive.localNameReplaced(HostileArchive.zip("readme.txt", program), "readme.txt", "evilxx.exe"));
        seeds.put("hidden-local.zip", HostileArchive.hiddenLocalEntries(HostileArchive.zip("evil.exe", program),
                HostileArchive.zip("readme.txt", program)));
        seeds.put("nested.zip", HostileArchive.nestedZips(4, "a.txt", new byte[3]));
        seeds.put("many.zip", HostileArchive.manyEntries("f", 50));
        seeds.put("zeros.zip", HostileArchive.zeros("zeros.bin", 4L << 20));
        seeds.put("gzip", HostileArchive.gzip(program));
        seeds.put("tnef", HostileArchive.tnef(Map.of("a.docx", new byte[40], "b.zip", HostileArchive.zip("c.exe", program))));
        seeds.put("uuencoded.txt", Extractors.pythonUuencode("x.exe", program).getBytes(StandardCharsets.US_ASCII));
        seeds.put("7z", new byte[] {'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C, 0, 4});
        seeds.put("rar", "Rar!\u001a\u0007\u0000 rest".getBytes(StandardCharsets.ISO_8859_1));
        return seeds;
    }
}
