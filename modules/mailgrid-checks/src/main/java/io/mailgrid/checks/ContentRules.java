package io.mailgrid.checks;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * Content rules ({@code check:content-rules}): keywords and regular expressions on the subject,
 * the body text and attachment names, for "no sensitive data leaves the company" policies.
 *
 * <p>Parameters: {@code mailgrid.content-rules.file} (required path) names the rules file, one
 * {@link ContentRule} per line; a bad line fails start-up naming the file and line. The
 * {@code mailgrid.mime.*} {@link MimeLimits} bound the parsing.
 *
 * <p>Text is read as a stream in windows of 64 K characters that overlap by 4096, so a 25 MB
 * body never sits in memory as one string; a match up to 4096 characters long is found wherever
 * it falls. Text parts are decoded with their declared charset (UTF-8 when it is missing, US-ASCII
 * or unknown; bad bytes become U+FFFD). The reason names the rule and where it matched, never
 * the matched text: reasons are logged and stamped.
 *
 * <p>Verdicts: CONTENT_VIOLATION, or UNPARSEABLE when the structure cannot be read.
 */
public final class ContentRules implements Check {

    /** The check's name in routes/policy.xml ({@code check:content-rules}) and in stamps. */
    public static final String NAME = "content-rules";

    /** Characters searched at once. */
    static final int WINDOW = 64 * 1024;
    /** Characters a window shares with the next, so a match across the border is still found. */
    static final int OVERLAP = 4096;

    private final List<ContentRule> rules;
    private final MimeLimits limits;
    private final String source;

    /**
     * @param rules  the rules, in the order they are tried
     * @param limits bounds on the MIME structure
     * @param source where the rules came from, for the start-up log
     */
    public ContentRules(List<ContentRule> rules, MimeLimits limits, String source) {
        this.rules = List.copyOf(rules);
        this.limits = limits;
        this.source = source;
    }

    /** Reads the rules file named by {@code mailgrid.content-rules.file}. */
    public static ContentRules from(MailgridConfig config) {
        Path file = ContentRulesSettings.from(config).file();
        return new ContentRules(read(file), MimeLimits.from(config), file.toString());
    }

    /**
     * Reads a rules file.
     *
     * @throws ConfigException naming the file and line of a bad rule, or a missing file
     */
    public static List<ContentRule> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(ContentRulesSettings.FILE + ": cannot read " + file + ": " + e, e);
        }
        List<ContentRule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(ContentRule.parse(line));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ContentRulesSettings.FILE + ": " + file + " line " + (i + 1) + ": "
                        + e.getMessage(), e);
            }
        }
        return rules;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + " (" + rules.size() + " rules from " + source + ")";
    }

    @Override
    public CheckResult check(MailUnderCheck mail) throws CheckFailedException {
        if (rules.isEmpty()) {
            return CheckResult.clean();
        }
        String[] violation = new String[1];
        try {
            MimeWalker.walk(mail.bytes(), limits, new MimeWalker.Visitor() {
                @Override
                public boolean messageHeader(String name, String value) {
                    if ("subject".equalsIgnoreCase(name)) {
                        violation[0] = first(ContentRule.Where.SUBJECT, value, "the subject");
                    }
                    return violation[0] == null;
                }

                @Override
                public boolean part(MimePart part, InputStream content) throws IOException {
                    if (part.fileName() != null) {
                        violation[0] = first(ContentRule.Where.ATTACHMENT_NAME, part.fileName(),
                                "the name of attachment " + part.number());
                    }
                    if (violation[0] == null && part.isText()) {
                        violation[0] = scanText(part, content);
                    }
                    return violation[0] == null;
                }
            });
        } catch (UnparseableMailException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        } catch (InterruptedIOException | InterruptibleText.Interrupted e) {
            throw new CheckFailedException("interrupted before it finished", e);
        } catch (IOException e) {
            return CheckResult.of(Verdict.UNPARSEABLE, "unparseable: " + e.getMessage());
        }
        return violation[0] == null ? CheckResult.clean() : CheckResult.of(Verdict.CONTENT_VIOLATION, violation[0]);
    }

    private String first(ContentRule.Where place, CharSequence text, String where) {
        CharSequence interruptible = new InterruptibleText(text);
        for (ContentRule rule : rules) {
            if (rule.appliesTo(place) && rule.pattern().matcher(interruptible).find()) {
                return "rule '" + rule.name() + "' matched " + where;
            }
        }
        return null;
    }

    private String scanText(MimePart part, InputStream content) throws IOException {
        if (rules.stream().noneMatch(rule -> rule.appliesTo(ContentRule.Where.BODY))) {
            return null;
        }
        Reader reader = new InputStreamReader(content, decoder(part.charset()));
        char[] window = new char[WINDOW];
        int filled = 0;
        while (true) {
            int n = reader.read(window, filled, window.length - filled);
            if (n > 0) {
                filled += n;
            }
            if (filled == window.length || n < 0) {
                String found = first(ContentRule.Where.BODY, CharBuffer.wrap(window, 0, filled),
                        "the text of part " + part.number());
                if (found != null || n < 0) {
                    return found;
                }
                System.arraycopy(window, filled - OVERLAP, window, 0, OVERLAP);
                filled = OVERLAP;
            }
        }
    }

    private static CharsetDecoder decoder(String charset) {
        Charset decoded = StandardCharsets.UTF_8;
        if (charset != null) {
            try {
                Charset declared = Charset.forName(charset.trim());
                // 8-bit text labelled us-ascii (or not labelled) is UTF-8 far more often than not
                if (!declared.equals(StandardCharsets.US_ASCII)) {
                    decoded = declared;
                }
            } catch (IllegalArgumentException e) {
                // unknown or illegal charset name: read as UTF-8
            }
        }
        return decoded.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }
}
