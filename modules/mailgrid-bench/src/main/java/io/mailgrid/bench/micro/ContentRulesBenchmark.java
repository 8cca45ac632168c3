package io.mailgrid.bench.micro;

import java.nio.file.Path;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import io.mailgrid.checks.ContentRulesSettings;
import io.mailgrid.checks.CheckFailedException;
import io.mailgrid.checks.CheckResult;
import io.mailgrid.checks.ContentRules;
import io.mailgrid.checks.MailUnderCheck;
import io.mailgrid.checks.MimeLimits;
import io.mailgrid.core.MailgridConfig;

/**
 * {@code check:content-rules} on one mail, a per-mail step of the policy chain like the
 * attachment policy: the MIME walk, the subject and attachment names, and every text part
 * decoded to characters and searched in 64 K-character windows.
 *
 * <p>{@link #shippedRules} uses config/content-rules.txt as shipped. That file has no active
 * rule, so the check returns before it parses anything: this measures what a default
 * installation pays. {@link #exampleRules} uses the four example rules of the same file
 * (keyword, two regular expressions on the subject and body, one on attachment names) made
 * active: what a site that turns the check on pays. Mails as in {@link AttachmentPolicyBenchmark};
 * each is clean, so every rule is tried on all of its text.
 */
public class ContentRulesBenchmark extends PerMailBenchmark {

    @Param({"2048", "20480"})
    int size;

    @Param({"plain", "html", "attachment"})
    String kind;

    private ContentRules shipped;
    private ContentRules examples;
    private MailUnderCheck mail;

    @Setup
    public void setUp() throws CheckFailedException {
        MailgridConfig config = Fixtures.shippedConfig();
        Path rulesFile = Path.of(config.string(ContentRulesSettings.FILE));
        shipped = ContentRules.from(config);
        examples = new ContentRules(Fixtures.exampleRules(rulesFile), MimeLimits.from(config),
                "the examples in " + rulesFile);
        mail = Fixtures.underCheck(Fixtures.mail(size, kind));
        Fixtures.requireClean(shipped, mail);
        Fixtures.requireClean(examples, mail);
    }

    @Benchmark
    public CheckResult shippedRules() throws CheckFailedException {
        return shipped.check(mail);
    }

    @Benchmark
    public CheckResult exampleRules() throws CheckFailedException {
        return examples.check(mail);
    }
}
