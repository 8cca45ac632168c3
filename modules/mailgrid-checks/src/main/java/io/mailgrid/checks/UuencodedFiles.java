package io.mailgrid.checks;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.angus.mail.util.UUDecoderStream;

/**
 * Files uuencoded into the text of a mail ({@code begin 644 name} ... {@code end}, and the
 * {@code begin-base64} form): older clients send attachments this way, and mail clients still show
 * them as attachments. Decoding is Angus Mail's {@link UUDecoderStream}.
 */
final class UuencodedFiles {

    /**
     * One uuencoded file.
     *
     * @param name   the name on its begin line
     * @param base64 whether it is the begin-base64 form
     * @param from   where its begin line starts in the text
     */
    record Found(String name, boolean base64, int from) {
    }

    private static final Pattern BEGIN = Pattern.compile("begin(-base64)? +[0-7]{3,4} +(.*?)[\\s]*");
    private static final byte[] BEGIN_BYTES = "begin".getBytes(StandardCharsets.US_ASCII);
    private static final int LONGEST_BEGIN_LINE = 1024;

    private UuencodedFiles() {
    }

    /** The uuencoded files in the text, at most {@code max}. */
    static List<Found> find(Slice text, int max) {
        List<Found> found = new ArrayList<>();
        int length = text.length();
        for (int line = 0; line < length && found.size() < max; ) {
            int end = line;
            while (end < length && text.at(end) != '\n') {
                end++;
            }
            if (text.startsWith(BEGIN_BYTES, line) && end - line <= LONGEST_BEGIN_LINE) {
                String beginLine = new String(text.slice(line, end - line).head(end - line), StandardCharsets.ISO_8859_1);
                Matcher matcher = BEGIN.matcher(beginLine);
                if (matcher.matches() && !matcher.group(2).isEmpty()) {
                    found.add(new Found(matcher.group(2), matcher.group(1) != null, line));
                }
            }
            line = end + 1;
        }
        return found;
    }

    /** The decoded content of a file found in the text; reading ends at its end line. */
    static InputStream decode(Slice text, Found file) {
        Slice rest = text.slice(file.from(), text.length() - file.from());
        if (!file.base64()) {
            return new UUDecoderStream(rest.stream(), true, false);
        }
        int start = 0;
        while (start < rest.length() && rest.at(start) != '\n') {
            start++;
        }
        int end = start;
        byte[] terminator = "\n====".getBytes(StandardCharsets.US_ASCII);
        while (end < rest.length() && !rest.startsWith(terminator, end)) {
            end++;
        }
        int from = Math.min(start, end);
        return Base64.getMimeDecoder().wrap(rest.slice(from, end - from).stream());
    }
}
