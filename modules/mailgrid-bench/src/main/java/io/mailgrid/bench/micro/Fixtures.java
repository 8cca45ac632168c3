package io.mailgrid.bench.micro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.mailgrid.checks.ContentRulesSettings;
import io.mailgrid.bench.BenchMails;
import io.mailgrid.checks.Check;
import io.mailgrid.checks.CheckFailedException;
import io.mailgrid.checks.CheckResult;
import io.mailgrid.checks.ContentRule;
import io.mailgrid.checks.MailUnderCheck;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.node.cli.MailgridHome;

/**
 * What every microbenchmark starts from: the shipped settings, read from the Mailgrid home
 * ({@code -Dmailgrid.home}, else the working directory) and the mails of {@code ./mailgrid bench}.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** The checkout holding config/; benchmarks are run from there. */
    static MailgridHome home() {
        MailgridHome home = MailgridHome.fromSystem();
        if (!Files.isRegularFile(home.defaultConfigFile())) {
            throw new IllegalStateException("no config/mailgrid.properties under " + home.path()
                    + ": run from the Mailgrid checkout or pass -D" + MailgridHome.HOME_PROPERTY + "=<checkout>");
        }
        return home;
    }

    /**
     * config/mailgrid.properties as shipped, without environment, system-property or command-line
     * overrides (so that a result does not depend on the shell it ran in); the rules file resolved
     * against the home, as the node does.
     */
    static MailgridConfig shippedConfig() {
        MailgridHome home = home();
        MailgridConfig config = MailgridConfig.load(home.defaultConfigFile(), Map.of(), new Properties(), Map.of());
        return config.with(ContentRulesSettings.FILE,
                home.path().resolve(config.string(ContentRulesSettings.FILE)).toString());
    }

    /**
     * The example rules of the shipped rules file (the commented lines after "# Examples"), made
     * active: the shipped file itself has no active rule.
     */
    static List<ContentRule> exampleRules(Path rulesFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(rulesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ContentRule> rules = new ArrayList<>();
        boolean examples = false;
        for (String line : lines) {
            if (line.startsWith("# Examples")) {
                examples = true;
            } else if (examples && line.startsWith("# ") && !line.substring(2).isBlank()) {
                rules.add(ContentRule.parse(line.substring(2)));
            }
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException("no example rules found in " + rulesFile);
        }
        return rules;
    }

    /**
     * A mail as {@code ./mailgrid bench} sends it.
     *
     * @param size bytes, approximately
     * @param kind plain (text/plain), html (multipart/alternative, text and HTML) or attachment
     *             (multipart/mixed, short text and a base64 PDF-like attachment)
     */
    static byte[] mail(int size, String kind) {
        int n = switch (kind) {
            case "plain" -> 0;
            case "html" -> 1;
            case "attachment" -> 2;
            default -> throw new IllegalArgumentException("unknown mail kind " + kind);
        };
        return new BenchMails(size, 42).mail(n, "<" + kind + "-" + size + "@bench.mailgrid.io>");
    }

    /** The envelope SMTP ingress gives a mail. */
    static Envelope envelope(byte[] mail) {
        return Envelope.received("n1", "sender@example.com", List.of("rcpt1@example.org", "rcpt2@example.org"),
                "smtp", Instant.parse("2026-11-25T12:00:00Z"), mail.length)
                .withSmtpClient("127.0.0.1", "client.example.com");
    }

    static MailUnderCheck underCheck(byte[] mail) {
        return new MailUnderCheck(envelope(mail), mail);
    }

    /**
     * Fails the set-up unless the check finds the mail clean: a clean mail is the common case and
     * the one where a check reads the whole mail instead of stopping at the first finding.
     */
    static void requireClean(Check check, MailUnderCheck mail) throws CheckFailedException {
        CheckResult result = check.check(mail);
        if (result.verdict() != Verdict.CLEAN) {
            throw new IllegalStateException(check.describe() + " does not pass the benchmark mail: " + result);
        }
    }
}
