package io.mailgrid.checks;

import io.mailgrid.core.Envelope;

/**
 * The mail a check looks at: its envelope and the exact bytes received. Checks must not change
 * the bytes.
 *
 * @param envelope sender, recipients, origin and id
 * @param bytes    the RFC 5322 bytes as received
 */
public record MailUnderCheck(Envelope envelope, byte[] bytes) {
}
