package io.mailgrid.checks.condition;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;

import io.mailgrid.checks.MimeLimits;
import io.mailgrid.checks.MimePart;
import io.mailgrid.checks.MimeWalker;
import io.mailgrid.checks.UnparseableMailException;
import io.mailgrid.core.Envelope;

/**
 * The mail has a part with a file name (an attachment, inline or not); bound as {@code hasAttachment}.
 * A mail whose structure cannot be read counts as having one, so a step meant for attachments runs.
 */
public final class HasAttachment extends MailCondition {

    private final MimeLimits limits;

    HasAttachment(MimeLimits limits) {
        this.limits = limits;
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        AtomicBoolean found = new AtomicBoolean();
        try {
            MimeWalker.walk(exchange.getMessage().getBody(byte[].class), limits, new MimeWalker.Visitor() {
                @Override
                public boolean part(MimePart part, InputStream content) {
                    found.set(part.fileName() != null && !part.fileName().isBlank());
                    return !found.get();
                }
            });
            return found.get();
        } catch (UnparseableMailException | IOException e) {
            return true;
        }
    }

    @Override
    void requireComplete(String name) {
        // built by the node from the mailgrid.mime.* limits
    }
}
