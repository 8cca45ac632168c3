package io.mailgrid.bench.micro;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import io.mailgrid.checks.AttachmentPolicy;
import io.mailgrid.checks.CheckFailedException;
import io.mailgrid.checks.CheckResult;
import io.mailgrid.checks.MailUnderCheck;

/**
 * {@code check:attachment-policy} on one mail: the MIME walk (mime4j pull parser, header
 * decoding, transfer decoding of every leaf part) plus the blocked-name and archive checks and
 * reading each part to its end to learn its decoded size. It runs for every mail a grabber
 * reserves, so its cost per mail bounds what one grabber thread can check per second.
 *
 * <p>Configured from the shipped config/mailgrid.properties ({@link AttachmentPolicy#from});
 * mails of 2 KiB and 20 KiB (the default of {@code ./mailgrid bench}) in the three kinds that
 * bench rotates through. Each mail is clean, so the whole mail is read.
 */
public class AttachmentPolicyBenchmark extends PerMailBenchmark {

    @Param({"2048", "20480"})
    int size;

    @Param({"plain", "html", "attachment"})
    String kind;

    private AttachmentPolicy policy;
    private MailUnderCheck mail;

    @Setup
    public void setUp() throws CheckFailedException {
        policy = AttachmentPolicy.from(Fixtures.shippedConfig());
        mail = Fixtures.underCheck(Fixtures.mail(size, kind));
        Fixtures.requireClean(policy, mail);
    }

    @Benchmark
    public CheckResult check() throws CheckFailedException {
        return policy.check(mail);
    }
}
