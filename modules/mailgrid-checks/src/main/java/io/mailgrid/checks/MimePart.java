package io.mailgrid.checks;

/**
 * One leaf part of a mail (a body or an attachment) as {@link MimeWalker} presents it.
 *
 * @param number           1 for the first leaf part, in the order they appear
 * @param depth            0 for a single-part mail's body, 1 inside a top-level multipart, ...
 * @param mimeType         declared type, lower case, without parameters; application/octet-stream
 *                         when the transfer encoding is unknown (RFC 2045, 6.4)
 * @param charset          declared charset, or null
 * @param fileName         decoded file name (Content-Disposition filename, else Content-Type name), or null
 * @param transferEncoding declared transfer encoding, lower case
 */
public record MimePart(int number, int depth, String mimeType, String charset, String fileName, String transferEncoding) {

    /** A name for reasons and logs: the file name, or "part N (type)". */
    public String label() {
        return fileName != null && !fileName.isBlank() ? "'" + fileName + "'" : "part " + number + " (" + mimeType + ")";
    }

    /** Whether the part is text (a body, or a text attachment such as .csv). */
    public boolean isText() {
        return mimeType.startsWith("text/");
    }
}
