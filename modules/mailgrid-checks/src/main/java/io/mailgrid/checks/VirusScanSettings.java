package io.mailgrid.checks;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;

/**
 * The settings of {@code check:virus-scan} ({@code mailgrid.virus-scan.*}).
 *
 * @param command      the scanner's command line; the mail arrives on its standard input
 * @param timeout      longest one scan may take
 * @param foundPattern finds the malware name in the scanner's output (group 1)
 */
public record VirusScanSettings(String command, Duration timeout, Pattern foundPattern) {

    /** The scanner's command line. */
    public static final String COMMAND = "mailgrid.virus-scan.command";
    /** Longest one scan may take. */
    public static final String TIMEOUT = "mailgrid.virus-scan.timeout";
    /** Regular expression whose group 1 is the malware name in the scanner's output. */
    public static final String FOUND_PATTERN = "mailgrid.virus-scan.found-pattern";

    /** The keys, with their scope: which program and how long is the node's; how a finding reads is policy. */
    public static final List<Setting> SETTINGS = List.of(Setting.node(COMMAND), Setting.node(TIMEOUT),
            Setting.policy(FOUND_PATTERN));

    /** Reads the settings; a bad one fails naming its key. */
    public static VirusScanSettings from(MailgridConfig config) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(config.string(FOUND_PATTERN));
        } catch (PatternSyntaxException e) {
            throw new ConfigException(FOUND_PATTERN + ": not a regular expression: " + e.getMessage());
        }
        if (pattern.matcher("").groupCount() < 1) {
            throw new ConfigException(FOUND_PATTERN + ": needs a group (...) for the malware name");
        }
        Duration timeout = config.duration(TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(TIMEOUT + ": must be positive");
        }
        return new VirusScanSettings(config.string(COMMAND), timeout, pattern);
    }
}
