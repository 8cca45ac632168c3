package io.mailgrid.core;

import java.util.Locale;

/** How a mail came in; travels as {@link MailProperty#SOURCE} in lower case ({@link #wireName()}). */
public enum IngressSource {
    /** Received by the node's SMTP listener. */
    SMTP,
    /** Dropped as a file into the node's pickup folder. */
    PICKUP,
    /** Published by {@code ./mailgrid submit}. */
    SUBMIT;

    /** The value of {@link MailProperty#SOURCE}: {@code smtp}, {@code pickup} or {@code submit}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
