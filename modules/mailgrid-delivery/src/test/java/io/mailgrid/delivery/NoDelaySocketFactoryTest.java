package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void everySocketShouldHaveNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            try (Socket unconnected = NoDelaySocketFactory.getDefault().createSocket();
                    Socket byName = NoDelaySocketFactory.getDefault().createSocket("127.0.0.1", port);
                    Socket byAddress = NoDelaySocketFactory.getDefault().createSocket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(unconnected.getTcpNoDelay()).isTrue();
                assertThat(byName.getTcpNoDelay()).isTrue();
                assertThat(byAddress.getTcpNoDelay()).isTrue();
            }
        }
    }
}
