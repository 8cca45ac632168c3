package io.mailgrid.ingress;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;

import io.mailgrid.core.Envelope;

/**
 * Derives an SMTP envelope from a mail's own headers, as {@code sendmail -t} does, for mail that
 * arrives without one (pickup folder, submit command).
 *
 * <p>Sender: the address in Return-Path, else Sender, else the first From. Recipients: every
 * address in To, Cc and Bcc, without duplicates.
 */
public final class HeaderEnvelope {

    /** Sender and recipients found in the headers. */
    public record Addresses(String mailFrom, List<String> recipients) {
    }

    private HeaderEnvelope() {
    }

    /**
     * Reads the header block of a mail.
     *
     * @throws RejectedMailException if the headers cannot be read or name no recipient
     */
    public static Addresses derive(byte[] mail) throws RejectedMailException {
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(new ByteArrayInputStream(mail));
        } catch (MessagingException e) {
            throw new RejectedMailException("header block is unreadable: " + e.getMessage());
        }
        String from = firstAddress(headers, "Return-Path");
        if (from == null) {
            from = firstAddress(headers, "Sender");
        }
        if (from == null) {
            from = firstAddress(headers, "From");
        }
        Set<String> recipients = new LinkedHashSet<>();
        for (String name : List.of("To", "Cc", "Bcc")) {
            recipients.addAll(addresses(headers, name));
        }
        if (recipients.isEmpty()) {
            throw new RejectedMailException("no recipient: the mail has no To, Cc or Bcc address");
        }
        for (String r : recipients) {
            if (!Envelope.isAcceptableAddress(r)) {
                throw new RejectedMailException("recipient address not accepted: '" + r + "'");
            }
        }
        if (from != null && !Envelope.isAcceptableAddress(from)) {
            throw new RejectedMailException("sender address not accepted: '" + from + "'");
        }
        return new Addresses(from == null ? "" : from, new ArrayList<>(recipients));
    }

    private static String firstAddress(InternetHeaders headers, String name) throws RejectedMailException {
        List<String> found = addresses(headers, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<String> addresses(InternetHeaders headers, String name) throws RejectedMailException {
        String[] values = headers.getHeader(name);
        List<String> result = new ArrayList<>();
        if (values == null) {
            return result;
        }
        for (String value : values) {
            if (value.isBlank() || value.trim().equals("<>")) {
                continue;
            }
            try {
                for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                    if (address.getAddress() != null && !address.getAddress().isBlank()) {
                        result.add(address.getAddress());
                    }
                }
            } catch (AddressException e) {
                throw new RejectedMailException(name + " header is not a valid address list: " + e.getMessage());
            }
        }
        return result;
    }
}
