package io.mailgrid.ingress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import io.mailgrid.core.Envelope;

/**
 * Derives an SMTP envelope from a mail's own headers, as {@code sendmail -t} does, for mail that
 * arrives without one (pickup folder, submit command).
 *
 * <p>Sender: the address in Return-Path, else Sender, else the first From. Recipients: every
 * address in To, Cc and Bcc, without duplicates. The fields are read as {@link HeaderBlock} reads
 * them, the same reading {@link IngressHeaders} removes Bcc fields by. A reason for refusing the
 * mail never quotes a Bcc field: it ends up in the log and beside the file.
 */
public final class HeaderEnvelope {

    private static final String BCC = "Bcc";

    /** Sender and recipients found in the headers. */
    public record Addresses(String mailFrom, List<String> recipients) {
    }

    private HeaderEnvelope() {
    }

    /**
     * Reads the header block of a mail.
     *
     * @throws RejectedMailException if an address field cannot be read or no recipient is named
     */
    public static Addresses derive(byte[] mail) throws RejectedMailException {
        HeaderBlock headers = HeaderBlock.parse(mail);
        String from = firstAddress(headers, "Return-Path");
        if (from == null) {
            from = firstAddress(headers, "Sender");
        }
        if (from == null) {
            from = firstAddress(headers, "From");
        }
        Set<String> recipients = new LinkedHashSet<>();
        for (String name : List.of("To", "Cc", BCC)) {
            for (String address : addresses(headers, name)) {
                if (!Envelope.isAcceptableAddress(address)) {
                    throw new RejectedMailException(name.equals(BCC)
                            ? "a Bcc address is not accepted (whitespace, ',' or angle brackets)"
                            : "recipient address in " + name + " not accepted (whitespace, ',' or angle brackets): '"
                                    + address + "'");
                }
                recipients.add(address);
            }
        }
        if (recipients.isEmpty()) {
            throw new RejectedMailException("no recipient: the mail has no To, Cc or Bcc address");
        }
        if (from != null && !Envelope.isAcceptableAddress(from)) {
            throw new RejectedMailException("sender address not accepted (whitespace, ',' or angle brackets): '" + from + "'");
        }
        return new Addresses(from == null ? "" : from, new ArrayList<>(recipients));
    }

    private static String firstAddress(HeaderBlock headers, String name) throws RejectedMailException {
        List<String> found = addresses(headers, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<String> addresses(HeaderBlock headers, String name) throws RejectedMailException {
        List<String> result = new ArrayList<>();
        for (HeaderBlock.Field field : headers.named(name)) {
            String value = headers.value(field);
            if (value.isEmpty() || value.equals("<>")) {
                continue;
            }
            try {
                for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                    if (address.getAddress() != null && !address.getAddress().isBlank()) {
                        result.add(address.getAddress());
                    }
                }
            } catch (AddressException e) {
                throw new RejectedMailException(name.equals(BCC) ? "a Bcc header is not a valid address list"
                        : name + " header is not a valid address list: " + e.getMessage());
            }
        }
        return result;
    }
}
