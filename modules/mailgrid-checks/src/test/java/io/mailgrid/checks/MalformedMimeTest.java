package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.BadMail;

/**
 * Each kind of malformed mail through the two checks that parse MIME: a clear verdict, quickly,
 * never an exception. (The same mails through a whole node: BadInputTest in mailgrid-node.)
 */
class MalformedMimeTest {

    @TempDir
    Path dir;
    private AttachmentPolicy attachments;
    private ContentRules content;

    @BeforeEach
    void checks() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.txt"), "not-a-header body keyword not a header\n");
        MailgridConfig config = Mails.config(dir, Map.of(ContentRulesSettings.FILE, rules.toString()));
        attachments = AttachmentPolicy.from(config);
        content = ContentRules.from(config);
    }

    private CheckResult attachments(byte[] mail) throws CheckFailedException {
        return attachments.check(Mails.under(mail));
    }

    @Test
    void aMultipartWhoseBoundaryNeverOccursShouldBeUnparseable() throws Exception {
        CheckResult result = attachments(BadMail.boundaryNeverOccurs());

        assertThat(result.verdict()).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(result.reason()).isEqualTo("unparseable: multipart/mixed without any part: its boundary never occurs");
        assertThat(content.check(Mails.under(BadMail.boundaryNeverOccurs())).verdict()).isEqualTo(Verdict.UNPARSEABLE);
    }

    @Test
    void aMissingClosingBoundaryShouldBeToleratedAndItsPartsStillChecked() throws Exception {
        CheckResult result = attachments(BadMail.missingClosingBoundary());

        assertThat(result.verdict()).isEqualTo(Verdict.BLOCKED_ATTACHMENT);
        assertThat(result.reason()).contains("'run.exe'");
    }

    @Test
    void aBoundaryLongerThanTheStandardAllowsShouldBeToleratedAndItsPartsStillChecked() throws Exception {
        assertThat(attachments(BadMail.overlongBoundary()).reason()).isEqualTo("'x.scr' has a blocked extension (.scr)");
    }

    @Test
    void badOrUnknownTransferEncodingsShouldBeReadLeniently() throws Exception {
        assertThat(attachments(BadMail.badBase64())).isEqualTo(CheckResult.clean());
        assertThat(attachments(BadMail.unknownTransferEncoding())).isEqualTo(CheckResult.clean());
        assertThat(content.check(Mails.under(BadMail.badBase64()))).isEqualTo(CheckResult.clean());
    }

    @Test
    void missingHeadersShouldNotMatterAndTextWithoutAHeaderBlockShouldBeCheckedAsBody() throws Exception {
        assertThat(attachments(BadMail.missingHeaders())).isEqualTo(CheckResult.clean());
        assertThat(content.check(Mails.under(BadMail.missingHeaders()))).isEqualTo(CheckResult.clean());

        CheckResult headless = content.check(Mails.under(BadMail.noHeaderBlock()));

        assertThat(headless.verdict()).isEqualTo(Verdict.CONTENT_VIOLATION);
        assertThat(headless.reason()).isEqualTo("rule 'not-a-header' matched the text of part 1");
    }

    @Test
    void eightBitGarbageAndNulBytesShouldBeReadWithoutError() throws Exception {
        assertThat(attachments(BadMail.eightBitGarbage())).isEqualTo(CheckResult.clean());
        assertThat(content.check(Mails.under(BadMail.eightBitGarbage()))).isEqualTo(CheckResult.clean());
        assertThat(attachments(BadMail.nulBytes())).isEqualTo(CheckResult.clean());
        assertThat(content.check(Mails.under(BadMail.nulBytes()))).isEqualTo(CheckResult.clean());
    }

    @Test
    void aOneMegabyteHeaderLineShouldBeUnparseableWithTheLimitInTheReason() throws Exception {
        CheckResult result = attachments(BadMail.hugeHeaderLine(1 << 20));

        assertThat(result.verdict()).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(result.reason()).isEqualTo("unparseable: a header longer than 65536 bytes");
        assertThat(attachments(BadMail.hugeHeaderLine(5000))).isEqualTo(CheckResult.clean());
    }

    @Test
    void deeplyNestedMultipartsShouldStopAtTheDepthLimitQuickly() throws Exception {
        long started = System.nanoTime();
        CheckResult result = attachments(BadMail.deeplyNested(10_000));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.verdict()).isEqualTo(Verdict.UNPARSEABLE);
        assertThat(result.reason()).isEqualTo("unparseable: MIME parts nested more than 20 levels deep");
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(attachments(BadMail.deeplyNested(15))).isEqualTo(CheckResult.clean());
    }

    @Test
    void aCheckInterruptedByTheReservationDeadlineShouldFailNotDecide() throws Exception {
        byte[] large = BadMail.large(8 << 20);
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> attachments(large))
                    .isInstanceOf(CheckFailedException.class).hasMessageContaining("interrupted");
        } finally {
            Thread.interrupted();
        }
    }
}
