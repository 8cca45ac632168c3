package io.mailgrid.node.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.apache.camel.CamelContext;

import io.mailgrid.checks.Checks;
import io.mailgrid.checks.PolicyModel;
import io.mailgrid.checks.VirusScanSettings;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.node.runtime.NodeRun;
import io.mailgrid.node.logging.LogFormat;

/** {@code mailgrid run}: runs a node until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a Mailgrid node (with an embedded broker unless --broker is given).")
final class RunCommand implements Callable<Integer> {

    @Mixin
    MailgridCommand.ConfigOptions options;

    @Option(names = "--node", paramLabel = "NAME", description = "Node name (default: host name)")
    String node;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./var/<node>)")
    Path data;

    @Option(names = "--broker", paramLabel = "URL",
            description = "Connect to this broker instead of starting the embedded one, e.g. tcp://127.0.0.1:61616")
    String broker;

    @Option(names = "--routes", paramLabel = "DIR", description = "Directory of the Camel XML routes (default: routes/)")
    Path routes;

    @Option(names = "--smtp-port", paramLabel = "N", description = "Port of the SMTP listener (default: 2525; 0 disables SMTP)")
    Integer smtpPort;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(CoreSettingsCatalog.NODE_NAME, node);
        overrides.put(CoreSettingsCatalog.DATA_DIR, data == null ? null : data.toString());
        overrides.put(CoreSettingsCatalog.BROKER_URL, broker);
        overrides.put(CoreSettingsCatalog.ROUTES_DIR, routes == null ? null : routes.toAbsolutePath().toString());
        overrides.put(IngressSettingsCatalog.SMTP_PORT, smtpPort == null ? null : smtpPort.toString());
        MailgridConfig config = options.load(overrides);
        LogFormat.apply(config);
        // the hook before anything starts: a SIGTERM at any moment of the start stops the node too
        NodeRun run = new NodeRun(config);
        Runtime.getRuntime().addShutdownHook(new Thread(run::stop, "mailgrid-shutdown"));
        sayWhatIsMissing(config);
        run.run();
        return 0;
    }

    /** Before anything logs: a check of the chain this machine cannot run, and how to install it. */
    private static void sayWhatIsMissing(MailgridConfig config) {
        Checks checks = new Checks(config);
        // the chain as Camel loads it, in a context that never starts (the node loads its own)
        try (CamelContext camel = PolicyModel.load(Path.of(config.string(CoreSettingsCatalog.ROUTES_DIR)),
                config.asProperties())) {
            checks.load(camel);
            MissingTools.lines(checks.unavailableInChain(), config.isSet(VirusScanSettings.COMMAND)
                    ? config.string(VirusScanSettings.COMMAND) : null).forEach(System.err::println);
        } catch (Exception e) {
            // a broken setting or route: the node's start says so, naming the key
        } finally {
            checks.close();
        }
    }
}
