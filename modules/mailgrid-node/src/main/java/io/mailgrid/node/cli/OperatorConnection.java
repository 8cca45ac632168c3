package io.mailgrid.node.cli;

import java.util.HashMap;
import java.util.Map;

import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerDidNotTakeException;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.BrokerUnavailableException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;

/**
 * The options of a command that talks to the broker with the operator's login ({@code --config},
 * {@code -D}, {@code --broker}; {@code status}, {@code maintenance}, {@code forget}, {@code dlq},
 * {@code quarantine}), and running a dlq or quarantine command on that login: a broker
 * that cannot be reached, a failed broker call, or a mail that is not there is one line on standard
 * error and exit code 1.
 */
final class OperatorConnection {

    @Mixin
    MailgridCommand.ConfigOptions options;

    @Option(names = "--broker", paramLabel = "URL", description = "Broker URL (default: the embedded broker's address)")
    String broker;

    /** What a command works on (the dead letters, the quarantine), on the operator's connections. */
    interface Opening<T> {
        T open(ActiveMQConnectionFactory factory, BrokerManagement management);
    }

    /** What a command does with it; returns the exit code. */
    interface Action<T> {
        int run(T subject) throws Exception;
    }

    /** The settings, with {@code --broker} over the file's broker URL. */
    MailgridConfig config() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
        return options.load(overrides);
    }

    /**
     * Opens the operator's connections, runs the action on what {@code opening} makes of them, and
     * maps failures to exit code 1.
     *
     * @param command the command as the operator typed it, e.g. "dlq retry", named in every error line
     */
    <T> int run(String command, Opening<T> opening, Action<T> action) throws Exception {
        MailgridConfig config = config();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(config);
                BrokerManagement management = BrokerManagement.connect(config)) {
            return action.run(opening.open(factory, management));
        } catch (NoSuchMailException | BrokerUnavailableException | BrokerDidNotTakeException e) {
            System.err.println("mailgrid " + command + ": " + e.getMessage());
            return MailgridCommand.EXIT_FAILURE;
        } catch (JMSException | JMSRuntimeException | IllegalStateException e) {
            System.err.println("mailgrid " + command + ": broker at " + BrokerConnection.url(config)
                    + " failed: " + e.getMessage());
            return MailgridCommand.EXIT_FAILURE;
        }
    }
}
