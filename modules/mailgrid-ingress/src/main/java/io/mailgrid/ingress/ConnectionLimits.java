package io.mailgrid.ingress;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;


/**
 * What one SMTP connection may still do: its whole-session deadline, the deadline of the mail body
 * being received, and how many commands it sent since a mail was last accepted. Pure: the caller
 * passes the time in; {@link LimitedServerSocket} consults it on every read.
 *
 * <p>Progress is an accepted mail; an accepted RCPT TO is not counted (a mail may have up to
 * {@code max-recipients}), every other command line is, unknown and refused ones included.
 * Used by the connection's own thread only.
 */
final class ConnectionLimits {

    /** Why a connection is cut off; the reply it hears before it is closed. */
    enum Breach {
        SESSION_TIME,
        DATA_TIME,
        NO_PROGRESS
    }

    private final Duration idleTimeout;
    private final Duration sessionTimeout;
    private final Duration dataTimeout;
    private final int maxCommandsWithoutProgress;
    private final Instant sessionDeadline;
    private Instant dataDeadline;
    private int commandsWithoutProgress;
    private boolean cutOff;

    ConnectionLimits(SmtpSettings settings, Instant connected) {
        this.idleTimeout = settings.idleTimeout();
        this.sessionTimeout = settings.sessionTimeout();
        this.dataTimeout = settings.dataTimeout();
        this.maxCommandsWithoutProgress = settings.maxCommandsWithoutProgress();
        this.sessionDeadline = connected.plus(sessionTimeout);
    }

    /** Command lines arrived (counted only outside a mail body). */
    void linesRead(int lines) {
        if (dataDeadline == null) {
            commandsWithoutProgress += lines;
        }
    }

    /** An RCPT TO was accepted: it does not count against the limit. */
    void recipientAccepted() {
        commandsWithoutProgress = Math.max(0, commandsWithoutProgress - 1);
    }

    /** A mail was accepted: the count starts afresh. */
    void mailAccepted() {
        commandsWithoutProgress = 0;
    }

    /** The body of a mail starts arriving now. */
    void dataStarted(Instant now) {
        dataDeadline = now.plus(dataTimeout);
    }

    /** The body of the mail has arrived (or the attempt ended). */
    void dataEnded() {
        dataDeadline = null;
    }

    boolean receivingData() {
        return dataDeadline != null;
    }

    /**
     * The limit the connection has run into, checked before it reads more: a command beyond the
     * limit is never read.
     */
    Optional<Breach> breach(Instant now) {
        if (!now.isBefore(sessionDeadline)) {
            return Optional.of(Breach.SESSION_TIME);
        }
        if (dataDeadline != null && !now.isBefore(dataDeadline)) {
            return Optional.of(Breach.DATA_TIME);
        }
        if (dataDeadline == null && commandsWithoutProgress >= maxCommandsWithoutProgress) {
            return Optional.of(Breach.NO_PROGRESS);
        }
        return Optional.empty();
    }

    /** The connection was cut off for a breach (its reply sent, the socket closed). */
    void cutOff() {
        cutOff = true;
    }

    boolean wasCutOff() {
        return cutOff;
    }

    /** How long the next read may block: the idle timeout, or less when a deadline comes sooner (at least 1 ms). */
    Duration readTimeout(Instant now) {
        Duration timeout = idleTimeout.isZero() ? Duration.ofDays(1) : idleTimeout;
        timeout = min(timeout, Duration.between(now, sessionDeadline));
        if (dataDeadline != null) {
            timeout = min(timeout, Duration.between(now, dataDeadline));
        }
        return timeout.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : timeout;
    }

    /** The reply for a breach (without CRLF). */
    String reply(Breach breach) {
        return switch (breach) {
            case SESSION_TIME -> "421 4.4.2 Session time limit of " + text(sessionTimeout)
                    + " exceeded (" + IngressSettingsCatalog.SMTP_SESSION_TIMEOUT + "), closing connection";
            case DATA_TIME -> "421 4.4.2 The mail did not arrive within " + text(dataTimeout)
                    + " (" + IngressSettingsCatalog.SMTP_DATA_TIMEOUT + "), closing connection";
            case NO_PROGRESS -> "421 4.7.0 " + maxCommandsWithoutProgress + " commands without a mail accepted ("
                    + IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS + "), closing connection";
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A duration as the properties file spells it: 10m, 30s, 500ms. */
    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
