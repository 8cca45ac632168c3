package io.mailgrid.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * Walks a mail's MIME structure as a stream with Apache James mime4j's pull parser: every leaf
 * part is handed to a {@link Visitor} as a transfer-decoded stream read straight from the mail's
 * bytes, so no part is ever copied into memory as a whole.
 *
 * <p>Parsing is lenient, as mail clients are (a missing closing boundary, stray bytes in base64,
 * a header line without a colon are tolerated), but bounded by {@link MimeLimits}: a mail nested
 * too deeply, with too many parts or too long a header, and a multipart whose boundary never
 * occurs, are {@link UnparseableMailException unparseable}. Reading stops when the thread is
 * interrupted (the reservation deadline).
 */
public final class MimeWalker {

    /** What a check wants to see of a mail; return false from a method to stop the walk. */
    public interface Visitor {

        /** A header field of the mail or of an attached message (not of a body part), decoded. */
        default boolean messageHeader(String name, String value) throws IOException {
            return true;
        }

        /**
         * A leaf part and its transfer-decoded content. The stream is valid only during the call;
         * whatever is not read is skipped.
         */
        default boolean part(MimePart part, InputStream content) throws IOException {
            return true;
        }
    }

    private static final Set<String> KNOWN_ENCODINGS = Set.of("7bit", "8bit", "binary", "base64", "quoted-printable");
    private static final Pattern FOLD = Pattern.compile("\r?\n(?=[ \t])");

    private enum Entity { MESSAGE, PART }

    /** An open multipart and how many parts it had so far. */
    private static final class Multipart {
        final String type;
        int parts;

        Multipart(String type) {
            this.type = type;
        }
    }

    private MimeWalker() {
    }

    /**
     * Walks the mail.
     *
     * @throws UnparseableMailException the structure cannot be read within the limits
     * @throws InterruptedIOException   the thread was interrupted
     * @throws IOException              the visitor failed reading a part
     */
    public static void walk(byte[] mail, MimeLimits limits, Visitor visitor) throws UnparseableMailException, IOException {
        MimeConfig config = MimeConfig.custom()
                .setStrictParsing(false)
                .setMaxLineLen(limits.maxHeaderBytes())
                .setMaxHeaderLen(limits.maxHeaderBytes())
                .setMaxHeaderCount(limits.maxHeaders())
                // a line that is not a header ends the header block, as clients show it: its text is
                // then checked as body instead of vanishing as a broken header
                .setMalformedHeaderStartsBody(true)
                .build();
        MimeTokenStream stream = new MimeTokenStream(config,
                new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), DecodeMonitor.SILENT));
        stream.parse(new InterruptibleInputStream(new ByteArrayInputStream(mail)));

        Deque<Entity> entities = new ArrayDeque<>();
        Deque<Multipart> multiparts = new ArrayDeque<>();
        int depth = 0;
        int parts = 0;
        int leaves = 0;
        try {
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                switch (state) {
                    case T_START_MESSAGE -> {
                        if (!entities.isEmpty()) {
                            depth = deeper(depth, limits);
                        }
                        entities.push(Entity.MESSAGE);
                    }
                    case T_END_MESSAGE -> {
                        entities.pop();
                        if (!entities.isEmpty()) {
                            depth--;
                        }
                    }
                    case T_START_MULTIPART -> {
                        depth = deeper(depth, limits);
                        multiparts.push(new Multipart(stream.getBodyDescriptor().getMimeType()));
                    }
                    case T_END_MULTIPART -> {
                        Multipart ended = multiparts.pop();
                        if (ended.parts == 0) {
                            throw new UnparseableMailException(ended.type + " without any part: its boundary never occurs");
                        }
                        depth--;
                    }
                    case T_START_BODYPART -> {
                        if (++parts > limits.maxParts()) {
                            throw new UnparseableMailException("more than " + limits.maxParts() + " MIME parts");
                        }
                        if (!multiparts.isEmpty()) {
                            multiparts.peek().parts++;
                        }
                        entities.push(Entity.PART);
                    }
                    case T_END_BODYPART -> entities.pop();
                    case T_FIELD -> {
                        if (entities.peek() == Entity.MESSAGE) {
                            Field field = stream.getField();
                            if (!visitor.messageHeader(field.getName(), value(field))) {
                                return;
                            }
                        }
                    }
                    case T_BODY -> {
                        MimePart part = describe(++leaves, depth, (MaximalBodyDescriptor) stream.getBodyDescriptor());
                        if (!visitor.part(part, new InterruptibleInputStream(stream.getDecodedInputStream()))) {
                            return;
                        }
                    }
                    default -> {
                        // preamble, epilogue, header boundaries: nothing to check
                    }
                }
            }
        } catch (MimeException e) {
            throw unparseable(e, limits);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (e instanceof MaxLineLimitException || e.getCause() instanceof MimeException) {
                throw unparseable(e, limits);
            }
            throw e;
        } finally {
            stream.stop();
        }
    }

    /** The reason for a parser failure: the limit it hit, else the parser's message. */
    private static UnparseableMailException unparseable(Exception failure, MimeLimits limits) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MaxHeaderLimitException) {
                return new UnparseableMailException("more than " + limits.maxHeaders() + " header fields in one part", failure);
            }
            if (cause instanceof MaxHeaderLengthLimitException || cause instanceof MaxLineLimitException) {
                return new UnparseableMailException("a header longer than " + limits.maxHeaderBytes() + " bytes", failure);
            }
        }
        Throwable root = failure.getCause() instanceof MimeException cause ? cause : failure;
        return new UnparseableMailException("MIME structure unreadable: " + root.getMessage(), failure);
    }

    private static int deeper(int depth, MimeLimits limits) throws UnparseableMailException {
        if (depth + 1 > limits.maxDepth()) {
            throw new UnparseableMailException("MIME parts nested more than " + limits.maxDepth() + " levels deep");
        }
        return depth + 1;
    }

    private static MimePart describe(int number, int depth, MaximalBodyDescriptor body) {
        String encoding = body.getTransferEncoding() == null ? "7bit" : body.getTransferEncoding().toLowerCase(Locale.ROOT).trim();
        String type = body.getMimeType() == null ? "text/plain" : body.getMimeType().toLowerCase(Locale.ROOT);
        if (!KNOWN_ENCODINGS.contains(encoding)) {
            // RFC 2045, 6.4: an unknown encoding makes the part opaque data
            type = "application/octet-stream";
        }
        String name = body.getContentDispositionFilename();
        if (name == null || name.isBlank()) {
            name = body.getContentTypeParameters().get("name");
        }
        if (name != null) {
            name = decodeWords(name);
        }
        return new MimePart(number, depth, type, body.getCharset(), name, encoding);
    }

    /** The unfolded, decoded value of a header field; raw 8-bit bytes are read as UTF-8 (else Latin-1). */
    static String value(Field field) {
        ByteSequence raw = field.getRaw();
        String text;
        if (raw == null) {
            text = field.getBody();
        } else {
            byte[] bytes = raw.toByteArray();
            int colon = 0;
            while (colon < bytes.length && bytes[colon] != ':') {
                colon++;
            }
            int start = Math.min(bytes.length, colon + 1);
            text = decodeBytes(bytes, start, bytes.length - start);
        }
        return decodeWords(FOLD.matcher(text).replaceAll("").trim());
    }

    private static String decodeWords(String text) {
        try {
            return DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String decodeBytes(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }
}
