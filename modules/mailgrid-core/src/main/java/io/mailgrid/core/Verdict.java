package io.mailgrid.core;

/** The outcome of a check, and of the policy chain as a whole. Anything but CLEAN quarantines. */
public enum Verdict {
    /** The mail passed; it goes on to delivery. */
    CLEAN,
    /** A virus scanner found malware. */
    INFECTED,
    /** An attachment is not allowed (type, extension or size). */
    BLOCKED_ATTACHMENT,
    /** A content rule matched (keyword or pattern). */
    CONTENT_VIOLATION,
    /** The mail is larger than a size limit of the policy. */
    TOO_LARGE,
    /** The mail could not be parsed well enough to be checked. */
    UNPARSEABLE;
}
