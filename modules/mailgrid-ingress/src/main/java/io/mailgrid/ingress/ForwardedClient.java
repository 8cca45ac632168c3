package io.mailgrid.ingress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an MTA in front of Mailgrid said about the original SMTP client with Postfix's XFORWARD
 * command ({@code smtp_send_xforward_command=yes}, docs/adr/0033): its name, address and HELO
 * instead of the MTA's own 127.0.0.1. Immutable; {@link #with(String)} adds one command's
 * attributes, as several XFORWARD commands may together describe one client.
 *
 * <p>A value is xtext (RFC 3461: {@code +HH} for a byte) and, decoded, printable ASCII without
 * spaces, at most 255 characters. {@code [UNAVAILABLE]} (and {@code [TEMPUNAVAIL]} for NAME) mean
 * the MTA does not know it: the attribute is then known to be unknown. ADDR must be an IP literal
 * (IPv6 with or without {@code IPv6:}); a host name there is refused, never looked up.
 */
public final class ForwardedClient {

    /** The attributes Mailgrid accepts, in the order EHLO advertises them. */
    public enum Attribute {
        NAME, ADDR, PROTO, HELO, IDENT, SOURCE
    }

    private static final int MAX_VALUE = 255;
    private static final String UNKNOWN = "";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private static final ForwardedClient NONE = new ForwardedClient(new EnumMap<>(Attribute.class));

    private final Map<Attribute, String> values;

    private ForwardedClient(Map<Attribute, String> values) {
        this.values = values;
    }

    /** No XFORWARD seen. */
    public static ForwardedClient none() {
        return NONE;
    }

    /**
     * These attributes plus those of one XFORWARD command's arguments ({@code NAME=mx.example.net
     * ADDR=192.0.2.7}); a later value replaces an earlier one.
     *
     * @throws IllegalArgumentException the reply text for 501: no attribute, an unknown attribute,
     *                                  bad xtext or a value that is not acceptable
     */
    public ForwardedClient with(String arguments) {
        String[] words = arguments.strip().split("\\s+");
        if (arguments.isBlank()) {
            throw new IllegalArgumentException("Syntax: XFORWARD attribute=value ...");
        }
        Map<Attribute, String> merged = new EnumMap<>(Attribute.class);
        merged.putAll(values);
        for (String word : words) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("Syntax: XFORWARD attribute=value ..., got " + printable(word));
            }
            Attribute attribute;
            try {
                attribute = Attribute.valueOf(word.substring(0, equals).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Bad XFORWARD attribute name: " + printable(word.substring(0, equals)));
            }
            merged.put(attribute, value(attribute, xtext(word.substring(equals + 1), attribute)));
        }
        return new ForwardedClient(merged);
    }

    /** Whether any attribute was forwarded. */
    public boolean isPresent() {
        return !values.isEmpty();
    }

    /**
     * The original client's address for {@code mailgrid_client}: the forwarded ADDR, empty when
     * the MTA said it does not know it, else {@code connected} (the MTA's own address).
     */
    public Optional<String> address(String connected) {
        return resolved(Attribute.ADDR, connected);
    }

    /** The original client's HELO for {@code mailgrid_helo}, as {@link #address} decides. */
    public Optional<String> helo(String connected) {
        return resolved(Attribute.HELO, connected);
    }

    private Optional<String> resolved(Attribute attribute, String fallback) {
        if (!values.containsKey(attribute)) {
            return Optional.ofNullable(fallback);
        }
        String value = values.get(attribute);
        return value.equals(UNKNOWN) ? Optional.empty() : Optional.of(value);
    }

    /**
     * For log lines, as Postfix writes its clients: {@code mx.example.net[192.0.2.7] helo=... proto=ESMTP
     * ident=4Bx... source=REMOTE via 127.0.0.1}; just {@code connected} without XFORWARD.
     */
    public String describe(String connected) {
        if (!isPresent()) {
            return connected;
        }
        StringBuilder text = new StringBuilder();
        text.append(shown(Attribute.NAME)).append('[').append(shown(Attribute.ADDR)).append(']');
        for (Attribute attribute : new Attribute[] {Attribute.HELO, Attribute.PROTO, Attribute.IDENT, Attribute.SOURCE}) {
            if (values.containsKey(attribute)) {
                text.append(' ').append(attribute.name().toLowerCase(Locale.ROOT)).append('=').append(shown(attribute));
            }
        }
        return text.append(" via ").append(connected).toString();
    }

    private String shown(Attribute attribute) {
        String value = values.get(attribute);
        return value == null || value.equals(UNKNOWN) ? "unknown" : value;
    }

    private static String value(Attribute attribute, String decoded) {
        if (decoded.equals("[UNAVAILABLE]") || (attribute == Attribute.NAME && decoded.equals("[TEMPUNAVAIL]"))) {
            return UNKNOWN;
        }
        if (decoded.isEmpty()) {
            throw new IllegalArgumentException("Empty XFORWARD " + attribute + " value");
        }
        if (attribute == Attribute.ADDR) {
            return ipLiteral(decoded);
        }
        return decoded;
    }

    private static String ipLiteral(String value) {
        String literal = value.regionMatches(true, 0, "IPv6:", 0, 5) ? value.substring(5) : value;
        // only literals reach InetAddress, so nothing is ever looked up in DNS
        if (!IPV4.matcher(literal).matches() && !IPV6.matcher(literal).matches()) {
            throw new IllegalArgumentException("Bad XFORWARD ADDR (not an IP address): " + printable(value));
        }
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Bad XFORWARD ADDR (not an IP address): " + printable(value));
        }
    }

    /** RFC 3461 xtext: "+HH" is the byte HH; the result must be printable ASCII without spaces. */
    private static String xtext(String text, Attribute attribute) {
        StringBuilder decoded = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length()) {
                    throw new IllegalArgumentException("Bad xtext in XFORWARD " + attribute + ": " + printable(text));
                }
                int high = Character.digit(text.charAt(i + 1), 16);
                int low = Character.digit(text.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("Bad xtext in XFORWARD " + attribute + ": " + printable(text));
                }
                c = (char) (high * 16 + low);
                i += 2;
            }
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("XFORWARD " + attribute + " holds a space or a character that is not"
                        + " printable ASCII: " + printable(text));
            }
            decoded.append(c);
        }
        if (decoded.length() > MAX_VALUE) {
            throw new IllegalArgumentException("XFORWARD " + attribute + " longer than " + MAX_VALUE + " characters");
        }
        return decoded.toString();
    }

    /** Text for a reply or log line: printable ASCII only, at most 100 characters. */
    private static String printable(String text) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            clean.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return clean.toString();
    }
}
