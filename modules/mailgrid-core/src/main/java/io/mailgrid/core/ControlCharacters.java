package io.mailgrid.core;

/**
 * Makes text from mail and clients safe to put in a log line, a reason or a terminal: control
 * characters become visible escapes, so a line feed in a file name cannot forge a log line and an
 * ESC or BEL sequence cannot reach an operator's terminal.
 *
 * <p>Escaped: the C0 controls ({@code \n}, {@code \r}, {@code \t} as such, the others as
 * {@code \u001b}), DEL, the C1 controls (U+0080-U+009F, which some terminals obey), the Unicode
 * line and paragraph separators, and the bidirectional embeddings, overrides and isolates that can
 * show {@code exe.pdf} for {@code fdp.exe}. The escapes are valid inside a JSON string. A backslash
 * is left as it is: an escape can be forged as text, never as a control character.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Whether the character must not reach a log or a terminal as it is. */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /** The text with every unsafe character escaped, line feeds and tabs too: one line. */
    public static String escape(CharSequence text) {
        return escape(text, false);
    }

    /**
     * The text with every unsafe character escaped except line feeds and tabs: for output whose
     * lines the program writes itself (a table, a header block), after its fields were escaped.
     */
    public static String escapeKeepingLines(CharSequence text) {
        return escape(text, true);
    }

    private static String escape(CharSequence text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text, keepLines);
        if (first < 0) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isUnsafe(c) || (keepLines && (c == '\n' || c == '\t'))) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(CharSequence text, boolean keepLines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isUnsafe(c) && !(keepLines && (c == '\n' || c == '\t'))) {
                return i;
            }
        }
        return -1;
    }
}
