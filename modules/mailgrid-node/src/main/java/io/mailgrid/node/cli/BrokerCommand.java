package io.mailgrid.node.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;

/** {@code mailgrid broker}: a standalone broker process from broker-config/broker.xml. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run a standalone Artemis broker from broker-config/broker.xml for several nodes to share.")
final class BrokerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

    @Mixin
    MailgridCommand.ConfigOptions options;

    @Option(names = "--data", paramLabel = "DIR", description = "Journal directory (default: ./var/broker)")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", description = "Acceptor port (default: mailgrid.broker.port, 61616)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(CoreSettingsCatalog.BROKER_PORT, port == null ? null : port.toString());
        MailgridConfig config = options.load(overrides);
        Path dir = (data == null ? Path.of("var/broker") : data).toAbsolutePath();

        EmbeddedBroker broker = EmbeddedBroker.start(config, dir);
        LOG.info("Mailgrid broker ready on {}", BrokerConnection.url(config));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "mailgrid-broker-shutdown"));
        stopped.await();
        return 0;
    }
}
