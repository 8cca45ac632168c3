package io.mailgrid.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for clamd in tests that are not about scanning, as {@link FakeScanner#clean()} is for
 * the command-line scanner: one per JVM, on a Unix socket in a temporary directory, speaking
 * enough of clamd's protocol for the clamd check (PING, VERSION, IDSESSION, INSTREAM, END) and
 * answering every scan {@code stream: OK}. Node processes a test starts connect to it too.
 * Tests of the scan itself run the real daemon ({@link ClamdProcess}).
 */
public final class FakeClamd {

    /** What VERSION answers; "fake" so that nobody mistakes it for a scanner. */
    public static final String VERSION = "ClamAV 0.0.0/0/fake clamd of the Mailgrid tests";

    private static volatile String address;

    private FakeClamd() {
    }

    /** The stand-in's {@code mailgrid.clamd.address} ({@code unix:/tmp/.../clamd.sock}); starts it on first use. */
    public static String address() {
        String current = address;
        if (current == null) {
            synchronized (FakeClamd.class) {
                if (address == null) {
                    address = start();
                }
                current = address;
            }
        }
        return current;
    }

    private static String start() {
        try {
            Path dir = Files.createTempDirectory("mg-fake-clamd-");
            Path socket = dir.resolve("clamd.sock");
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            socket.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            Thread acceptor = new Thread(() -> accept(server), "fake-clamd");
            acceptor.setDaemon(true);
            acceptor.start();
            return "unix:" + socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void accept(ServerSocketChannel server) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread session = new Thread(() -> serve(client), "fake-clamd-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(SocketChannel client) {
        try (client; InputStream in = Channels.newInputStream(client); OutputStream out = Channels.newOutputStream(client)) {
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
            boolean session = false;
            int request = 0;
            while (true) {
                String command = readCommand(data);
                if (command == null || command.equals("END")) {
                    return;
                }
                request++;
                String reply = switch (command) {
                    case "IDSESSION" -> null;
                    case "PING" -> "PONG";
                    case "VERSION" -> VERSION;
                    case "INSTREAM" -> drain(data);
                    default -> "UNKNOWN COMMAND";
                };
                if (command.equals("IDSESSION")) {
                    session = true;
                    request = 0;
                    continue;
                }
                out.write(((session ? request + ": " : "") + reply + "\0").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!session || reply.equals("UNKNOWN COMMAND")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Reads {@code zCOMMAND\0} (or {@code nCOMMAND\n}); null at the end of the stream. */
    private static String readCommand(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        char end = first == 'n' ? '\n' : '\0';
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != end) {
            command.write(b);
            if (command.size() > 1024) {
                return "";
            }
        }
        return b < 0 ? null : command.toString(StandardCharsets.US_ASCII);
    }

    /** Reads INSTREAM chunks up to the zero-length one; the verdict of the stand-in is always clean. */
    private static String drain(DataInputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            int length = in.readInt();
            if (length == 0) {
                return "stream: OK";
            }
            if (length < 0) {
                throw new EOFException("bad chunk length");
            }
            for (int left = length; left > 0;) {
                int read = in.read(buffer, 0, Math.min(buffer.length, left));
                if (read < 0) {
                    throw new EOFException();
                }
                left -= read;
            }
        }
    }
}
