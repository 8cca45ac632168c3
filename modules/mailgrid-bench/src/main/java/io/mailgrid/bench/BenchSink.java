package io.mailgrid.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The next hop of relay delivery in the benchmark: an SMTP server on 127.0.0.1 that accepts every
 * mail, keeps nothing but the {@code X-Mailgrid-Id} of each (the stamp's first line) and when it
 * arrived, and hands both to a listener. No Received header, no storage: it costs the pipeline as
 * little as a next hop can.
 */
final class BenchSink implements AutoCloseable {

    private static final byte[] ID_HEADER = "X-Mailgrid-Id: ".getBytes(StandardCharsets.US_ASCII);

    private final SMTPServer server;

    /** @param delivered called with the mail id and System.nanoTime() of each mail accepted */
    BenchSink(BiConsumer<String, Long> delivered) {
        this.server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("bench-sink")
                .insertReceivedHeaders(false)
                .maxConnections(64)
                .messageHandlerFactory(context -> new MessageHandler() {
                    @Override
                    public void from(String from) {
                    }

                    @Override
                    public void recipient(String recipient) {
                    }

                    @Override
                    public String data(InputStream data) throws IOException {
                        byte[] mail = data.readAllBytes();
                        delivered.accept(mailId(mail), System.nanoTime());
                        return null;
                    }

                    @Override
                    public void done() {
                    }
                })
                .build();
        server.start();
    }

    /** The URL for {@code mailgrid.delivery.relay}. */
    String relayUrl() {
        return "smtp://127.0.0.1:" + server.getPortAllocated();
    }

    /** The value of the first X-Mailgrid-Id header, or "?" for a mail without one. */
    static String mailId(byte[] mail) {
        outer:
        for (int i = 0; i + ID_HEADER.length < mail.length; i++) {
            if (i > 0 && mail[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < ID_HEADER.length; k++) {
                if (mail[i + k] != ID_HEADER[k]) {
                    continue outer;
                }
            }
            int start = i + ID_HEADER.length;
            int end = start;
            while (end < mail.length && mail[end] != '\r' && mail[end] != '\n') {
                end++;
            }
            return new String(mail, start, end - start, StandardCharsets.US_ASCII).trim();
        }
        return "?";
    }

    @Override
    public void close() {
        server.stop();
    }
}
