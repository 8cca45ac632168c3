package io.mailgrid.core;

import java.util.Locale;

/** How a mail came in; travels as {@link MailProperty#SOURCE} in lower case ({@link #wireName()}). */
public enum IngressSource {
    /** Received by the node's SMTP listener. */
    SMTP,
    /** Dropped as a file into the node's pickup folder. */
    PICKUP,
    /** Published by {@code ./mailgrid submit}. */
    SUBMIT,
    /**
     * A summary of a quarantined mail the node itself wrote (mailgrid.quarantine.notify): never
     * notified again, whatever its verdict. Only a node sets it; no ingress can.
     */
    NOTIFICATION;

    /** The value of {@link MailProperty#SOURCE}: {@code smtp}, {@code pickup}, {@code submit} or {@code notification}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
