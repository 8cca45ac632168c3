package io.mailgrid.node.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.BrokerXmlMerge;
import io.mailgrid.core.MailgridConfig;

/**
 * {@code mailgrid merge-broker-config}: puts Mailgrid's addresses, address settings and security
 * settings into an existing Artemis broker's broker.xml (see {@link BrokerXmlMerge}).
 */
@Command(name = "merge-broker-config", mixinStandardHelpOptions = true,
        description = {"Merge Mailgrid's addresses, address settings and security settings (from broker-config/broker.xml)"
                + " into an existing Artemis broker's broker.xml. Entries of other applications stay as they are;"
                + " running it again gives the same file. The first run keeps the original as broker.xml.before-mailgrid."
                + " On a broker of a cluster of live brokers, a !mailgrid.status an earlier run put into a"
                + " cluster-connection's address list is taken out (every broker now gets every node's status).",
                "Then add the node user: <instance>/bin/artemis user add --user-command-user mailgrid"
                        + " --user-command-password ... --role mailgrid (with an administrator's --user/--password)."})
final class MergeBrokerConfigCommand implements Callable<Integer> {

    @Mixin
    MailgridCommand.ConfigOptions options;

    @Parameters(paramLabel = "BROKER_XML", description = "The broker's configuration, usually <instance>/etc/broker.xml")
    Path target;

    @Option(names = "--plugin", description = "Also enable the FailedConnectionGuard broker plugin; copy the"
            + " mailgrid-broker jar into <instance>/lib/ first (README: Deploy beside an existing Artemis broker)")
    boolean plugin;

    @Option(names = "--dry-run", description = "Print the merged file instead of writing it")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        MailgridConfig config = options.load(Map.of());
        Path ours = Path.of(config.string(BrokerSettingsCatalog.BROKER_CONFIG));
        if (!Files.isRegularFile(target)) {
            System.err.println("mailgrid merge-broker-config: no such file " + target);
            return MailgridCommand.EXIT_USAGE;
        }
        BrokerXmlMerge merge = BrokerXmlMerge.from(ours);
        BrokerXmlMerge.Result result;
        if (dryRun) {
            result = merge.merge(target, plugin);
            System.out.print(result.text());
        } else {
            result = merge.mergeInPlace(target, plugin);
            System.out.println("Merged Mailgrid's broker configuration from " + ours + " into " + target + " (original kept as "
                    + BrokerXmlMerge.backupOf(target) + ")" + (plugin ? "; FailedConnectionGuard enabled" : ""));
        }
        result.notes().forEach(note -> System.err.println("mailgrid merge-broker-config: NOTE: " + note));
        return 0;
    }
}
