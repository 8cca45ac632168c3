package io.mailgrid.checks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Where clamd listens: its Unix socket ({@code unix:/var/run/clamav/clamd.ctl}) or a TCP port
 * ({@code tcp:127.0.0.1:3310}), as clamd.conf's {@code LocalSocket} or {@code TCPSocket}/{@code TCPAddr}.
 *
 * @param socket the Unix socket, or null for TCP
 * @param host   the TCP host, or null for a Unix socket
 * @param port   the TCP port, 0 for a Unix socket
 */
public record ClamdAddress(Path socket, String host, int port) {

    /** Socket paths longer than this cannot be connected to (sun_path on Linux). */
    private static final int MAX_SOCKET_PATH = 107;

    /**
     * Reads {@code unix:/path} or {@code tcp:host:port} ({@code tcp:[::1]:3310} for IPv6).
     *
     * @throws IllegalArgumentException for anything else, saying what is expected
     */
    public static ClamdAddress parse(String text) {
        String value = text == null ? "" : text.trim();
        if (value.startsWith("unix:")) {
            String path = value.substring("unix:".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("expected an absolute socket path after unix:, got '" + value + "'");
            }
            if (path.length() > MAX_SOCKET_PATH) {
                throw new IllegalArgumentException("socket path longer than " + MAX_SOCKET_PATH + " bytes: '" + value + "'");
            }
            return new ClamdAddress(Path.of(path), null, 0);
        }
        if (value.startsWith("tcp:")) {
            String hostPort = value.substring("tcp:".length());
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("expected tcp:HOST:PORT, got '" + value + "'");
            }
            return new ClamdAddress(null, host, port);
        }
        throw new IllegalArgumentException("expected unix:/path/to/clamd.sock or tcp:HOST:PORT, got '" + value + "'");
    }

    /** Whether this is a Unix socket. */
    public boolean isUnix() {
        return socket != null;
    }

    /** A new, unconnected blocking channel of the right family. */
    SocketChannel open() throws IOException {
        SocketChannel channel = isUnix() ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        if (!isUnix()) {
            // a scan is one small write and one small read: never wait for a delayed ACK
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        return channel;
    }

    /** The address to connect the channel to. */
    SocketAddress socketAddress() {
        return isUnix() ? UnixDomainSocketAddress.of(socket) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + socket : "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
