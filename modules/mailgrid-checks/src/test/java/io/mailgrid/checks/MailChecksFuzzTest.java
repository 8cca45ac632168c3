package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * Coverage-guided fuzz tests (Jazzer) of what reads hostile mail: the MIME walker with the
 * attachment policy and the content rules on one mail, and the archive inspector on one
 * attachment. In a normal test run they replay the committed inputs in
 * {@code src/test/resources/io/mailgrid/checks/MailChecksFuzzTestInputs/<method>/} (real messages and
 * archives, and every input fuzzing ever found a fault with), in seconds; the README says how to
 * fuzz for longer.
 *
 * <p>The property: whatever the input, a check returns a verdict (the archive inspector a finding
 * or none), or stops with the mail's budget exhausted; it never throws anything else, never
 * takes longer than its deadline, and never allocates more than a default node's mail budget.
 */
class MailChecksFuzzTest {

    /** Longer than any input needs; a check past it would hold a grabber thread. */
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** A default node's mail budget: 40% of the launcher's -Xmx256m. */
    private static final long MAIL_BUDGET = 256L * 1024 * 1024 * 40 / 100;

    private static AttachmentPolicy attachments;
    private static ContentRules content;

    @BeforeAll
    static void checks() throws Exception {
        Path dir = Files.createTempDirectory("mailgrid-fuzz-");
        Path rules = Files.writeString(dir.resolve("rules.txt"), String.join("\n",
                "card body regex \\b(?:\\d[ -]?){13,16}\\b",
                "secret subject keyword confidential",
                "names attachment-name regex (?i)\\.(?:exe|scr)$",
                "words body keyword password", ""));
        MailgridConfig config = Mails.config(dir, Map.of(ContentRulesSettings.FILE, rules.toString()));
        attachments = AttachmentPolicy.from(config);
        content = ContentRules.from(config);
    }

    @FuzzTest(maxDuration = "10m")
    void everyMailShouldGetAVerdictInTimeWithinTheMailBudget(byte[] mail) throws Exception {
        for (Check check : new Check[] {attachments, content}) {
            CheckResult result = measured(check.name(), () -> check.check(Mails.under(mail)));
            assertThat(result).isNotNull();
            assertThat(result.verdict()).isIn(Verdict.CLEAN, Verdict.BLOCKED_ATTACHMENT, Verdict.CONTENT_VIOLATION,
                    Verdict.UNPARSEABLE);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void everyArchiveShouldGetAFindingInTimeWithinTheMailBudget(byte[] archive) throws Exception {
        BlockedNames blocked = new BlockedNames(java.util.List.of("exe", "js"), java.util.List.of("application/x-msdownload"));
        ArchiveInspector inspector = new ArchiveInspector(blocked, 3);
        UnpackBudget budget = new UnpackBudget(100L << 20, 1000, Math.max(archive.length, AttachmentPolicy.MIN_ARCHIVE_MEMORY));
        measured("archive inspector", () -> {
            try (Spooled content = Spooled.of(Slice.of(archive), budget)) {
                return inspector.inspect("'fuzz.bin'", "fuzz.bin", content, 0, budget);
            } catch (UnpackBudget.Exceeded e) {
                return null;
            }
        });
        assertThat(budget.held()).as("all memory given back").isZero();
    }

    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs the work twice and measures the second run: the first loads (and, when fuzzing, instruments)
     * the classes its input needs, which is neither the check's time nor its memory.
     */
    private static <T> T measured(String what, Work<T> work) throws Exception {
        work.run();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        T result = work.run();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(took).as(what + " within its deadline").isLessThan(DEADLINE);
        assertThat(allocated).as(what + " allocated no more than the mail budget").isLessThan(MAIL_BUDGET);
        return result;
    }
}
