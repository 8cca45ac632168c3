package io.mailgrid.checks;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * The size limit ({@code check:size-limit}): a mail of more than {@code maxSize} bytes as received
 * gets TOO_LARGE. With {@code outcome=tag} on the step this marks large mail instead of holding it.
 *
 * <p>Parameter: {@code maxSize} ({@value #MAX_SIZE}), required size, at least 1 byte.
 */
public final class SizeLimit implements Check {

    /** The check's name in the routes ({@code check:size-limit}) and in stamps. */
    public static final String NAME = "size-limit";
    /** Largest mail that passes. */
    public static final String MAX_SIZE = "mailgrid.size-limit.max-size";

    private final long maxSize;

    /** @param maxSize largest mail that passes, in bytes */
    public SizeLimit(long maxSize) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("max size must be at least 1 byte");
        }
        this.maxSize = maxSize;
    }

    /** Reads {@code mailgrid.size-limit.max-size}; a bad value fails naming the key. */
    public static SizeLimit from(MailgridConfig config) {
        long max = config.bytes(MAX_SIZE);
        if (max < 1) {
            throw new ConfigException(MAX_SIZE + ": must be at least 1 byte");
        }
        return new SizeLimit(max);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CheckResult check(MailUnderCheck mail) {
        long size = mail.bytes().length;
        return size > maxSize ? CheckResult.of(Verdict.TOO_LARGE, "mail of " + Sizes.format(size) + " is larger than "
                + Sizes.format(maxSize)) : CheckResult.clean();
    }

    @Override
    public String describe() {
        return NAME + " (mail larger than " + Sizes.format(maxSize) + ")";
    }
}
