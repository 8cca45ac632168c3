package io.mailgrid.ingress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mailgrid.core.Stamp;

/**
 * The only change ingress makes to a mail's bytes, for SMTP, the pickup folder and {@code submit}
 * alike: every incoming {@code X-Mailgrid-*} header field is removed, so the only such fields a
 * delivered mail carries are the stamp Mailgrid writes itself; and where the recipients were taken
 * from the headers, every {@code Bcc} field is removed too, as {@code sendmail -t} does, so the
 * other recipients never see who else got the mail.
 *
 * <p>Only fields of the header block count (see {@link HeaderBlock}): a line in the body that
 * looks like a header stays. A removed field goes with its folded lines and its line ending; every
 * other byte (other fields, their order and folding, line endings, 8-bit bytes, the body) is
 * kept. A mail with nothing to remove is returned as the same array; otherwise the kept bytes are
 * copied once into a new array of exactly their size.
 */
public final class IngressHeaders {

    /** Where a mail's envelope recipients came from: what decides whether Bcc fields go. */
    public enum Recipients {
        /** Given apart from the mail: SMTP RCPT TO, {@code submit --to}. Bcc fields are the sender's business. */
        GIVEN,
        /** Read from the To, Cc and Bcc fields (pickup folder, {@code submit} without --to): Bcc fields are removed. */
        FROM_HEADERS
    }

    /** The mail to publish and how many fields were removed, for the log. */
    public record Rewritten(byte[] mail, int stampFields, int bccFields) {

        /** Whether any field was removed. */
        public boolean changed() {
            return stampFields + bccFields > 0;
        }
    }

    private IngressHeaders() {
    }

    /**
     * The same for a mail received over SMTP, held in chunks: only the header block is copied (its
     * memory taken from the budget), the body is never copied. Empty when the budget has no room
     * for that copy right now.
     */
    static Optional<MailBody> rewrite(MailBuffer buffer, Recipients recipients) {
        Optional<byte[]> head = buffer.headerBlock();
        if (head.isEmpty()) {
            return Optional.empty();
        }
        Rewritten rewritten = rewrite(head.get(), recipients);
        return Optional.of(rewritten.changed() ? MailBody.spliced(rewritten.mail(), buffer, head.get().length) : buffer);
    }

    /** Removes incoming stamp fields, and Bcc fields when the recipients came from the headers. */
    public static Rewritten rewrite(byte[] mail, Recipients recipients) {
        HeaderBlock block = HeaderBlock.parse(mail);
        List<HeaderBlock.Field> removed = new ArrayList<>();
        int stamps = 0;
        int bccs = 0;
        long removedBytes = 0;
        for (HeaderBlock.Field field : block.fields()) {
            boolean stamp = field.startsWith(Stamp.HEADER_PREFIX);
            boolean bcc = recipients == Recipients.FROM_HEADERS && field.is("Bcc");
            if (stamp || bcc) {
                removed.add(field);
                removedBytes += field.end() - field.start();
                stamps += stamp ? 1 : 0;
                bccs += bcc ? 1 : 0;
            }
        }
        if (removed.isEmpty()) {
            return new Rewritten(mail, 0, 0);
        }
        byte[] kept = new byte[(int) (mail.length - removedBytes)];
        int from = 0;
        int to = 0;
        for (HeaderBlock.Field field : removed) {
            int length = field.start() - from;
            System.arraycopy(mail, from, kept, to, length);
            to += length;
            from = field.end();
        }
        System.arraycopy(mail, from, kept, to, mail.length - from); // the rest of the headers and the body
        return new Rewritten(kept, stamps, bccs);
    }
}
