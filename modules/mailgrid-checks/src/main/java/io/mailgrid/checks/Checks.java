package io.mailgrid.checks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The node's checks: builds every built-in check from the configuration, knows which ones the
 * routes use ({@code <process ref="check-NAME"/>} in routes/*.xml, normally routes/policy.xml),
 * and tells which of those are available on this node.
 *
 * <p>A check the routes use must build: a bad setting fails start-up naming the key. A check the
 * routes do not use that cannot be built is only reported as unavailable.
 *
 * <p>{@link #unavailableInChain()} is what a node should not grab mail without: a mail that
 * reaches an unavailable check is rolled back and retried, then dead-lettered, never delivered.
 */
public final class Checks {

    private static final Logger LOG = LoggerFactory.getLogger(Checks.class);
    private static final String PREFIX = "check-";

    /** Every built-in check, by name, and how it is built from the settings. */
    private static final Map<String, Function<MailgridConfig, Check>> BUILT_IN = builtIn();

    private final Map<String, Check> checks;
    private final Map<String, String> broken;
    private final List<String> chain;

    private Checks(Map<String, Check> checks, Map<String, String> broken, List<String> chain) {
        this.checks = checks;
        this.broken = broken;
        this.chain = List.copyOf(chain);
    }

    private static Map<String, Function<MailgridConfig, Check>> builtIn() {
        Map<String, Function<MailgridConfig, Check>> all = new LinkedHashMap<>();
        all.put(VirusScan.NAME, VirusScan::from);
        all.put(ClamdScan.NAME, ClamdScan::from);
        all.put(AttachmentPolicy.NAME, AttachmentPolicy::from);
        all.put(ContentRules.NAME, ContentRules::from);
        all.put("pass-all", config -> new PassAll());
        return all;
    }

    /**
     * Builds the built-in checks and reads which ones the routes in {@code mailgrid.routes.dir}
     * use.
     *
     * @throws ConfigException a check the routes use cannot be built, or the routes cannot be read
     */
    public static Checks fromConfig(MailgridConfig config) {
        List<String> chain = referencedBy(Path.of(config.string(MailgridConfig.ROUTES_DIR)));
        Map<String, Check> built = new LinkedHashMap<>();
        Map<String, String> broken = new LinkedHashMap<>();
        BUILT_IN.forEach((name, factory) -> {
            try {
                built.put(name, factory.apply(config));
            } catch (RuntimeException e) {
                if (chain.contains(name)) {
                    throw e instanceof ConfigException config1 ? config1
                            : new ConfigException("check " + name + " cannot start: " + e.getMessage(), e);
                }
                broken.put(name, e.getMessage());
            }
        });
        return new Checks(built, broken, chain);
    }

    /** Given checks and chain, for tests and tools. */
    public static Checks of(List<Check> checks, List<String> chain) {
        Map<String, Check> byName = new LinkedHashMap<>();
        checks.forEach(check -> byName.put(check.name(), check));
        return new Checks(byName, Map.of(), chain);
    }

    /**
     * Names of the checks the routes refer to as {@code ref="check-NAME"} (or
     * {@code bean:check-NAME}), in file-name and document order, each once.
     */
    public static List<String> referencedBy(Path routesDir) {
        Set<String> names = new LinkedHashSet<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> xml = Files.newDirectoryStream(routesDir, "*.xml")) {
            xml.forEach(files::add);
        } catch (IOException e) {
            throw new ConfigException(MailgridConfig.ROUTES_DIR + ": cannot list " + routesDir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        // policy.xml first: it is the chain; other files may add steps of their own
        files.sort((a, b) -> Boolean.compare(!a.getFileName().toString().equals("policy.xml"),
                !b.getFileName().toString().equals("policy.xml")));
        for (Path file : files) {
            NodeList elements = parse(file).getElementsByTagNameNS("*", "*");
            for (int i = 0; i < elements.getLength(); i++) {
                Element element = (Element) elements.item(i);
                String ref = element.getAttribute("ref");
                String uri = element.getAttribute("uri");
                if (ref.startsWith(PREFIX)) {
                    names.add(ref.substring(PREFIX.length()));
                } else if (uri.startsWith("bean:" + PREFIX)) {
                    names.add(uri.substring(("bean:" + PREFIX).length()).split("\\?")[0]);
                }
            }
        }
        return new ArrayList<>(names);
    }

    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new ConfigException(MailgridConfig.ROUTES_DIR + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every check that could be built, by name. */
    public List<Check> all() {
        return List.copyOf(checks.values());
    }

    /** The check with this name. */
    public Optional<Check> get(String name) {
        return Optional.ofNullable(checks.get(name));
    }

    /** Names of the checks the routes use, in order: the policy chain. */
    public List<String> chain() {
        return chain;
    }

    /** The steps to bind for the routes, one per check ({@code check-NAME}). */
    public List<CheckStep> steps() {
        return checks.values().stream().map(CheckStep::new).toList();
    }

    /** The status of every known check, built or not. */
    public Map<String, CheckStatus> statuses() {
        Map<String, CheckStatus> statuses = new LinkedHashMap<>();
        checks.forEach((name, check) -> statuses.put(name, status(check)));
        broken.forEach((name, reason) -> statuses.put(name, CheckStatus.unavailable("cannot start: " + reason)));
        for (String name : chain) {
            statuses.putIfAbsent(name, CheckStatus.unavailable("not a Mailgrid check"));
        }
        return statuses;
    }

    /**
     * The checks of the chain that cannot run on this node now, with the reason; empty when all can.
     * Asks only the chain's checks (it runs every heartbeat; a check's status may probe a daemon).
     */
    public Map<String, CheckStatus> unavailableInChain() {
        Map<String, CheckStatus> unavailable = new LinkedHashMap<>();
        for (String name : chain) {
            Check check = checks.get(name);
            CheckStatus status = check != null ? status(check)
                    : broken.containsKey(name) ? CheckStatus.unavailable("cannot start: " + broken.get(name))
                    : CheckStatus.unavailable("not a Mailgrid check");
            if (!status.available()) {
                unavailable.put(name, status);
            }
        }
        return unavailable;
    }

    /** The chain's checks that report what they scan with ({@link Check#version()}), by name. */
    public Map<String, String> chainVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        for (String name : chain) {
            Check check = checks.get(name);
            if (check != null) {
                check.version().ifPresent(version -> versions.put(name, version));
            }
        }
        return versions;
    }

    /** Whether every check of the chain can run on this node now. */
    public boolean chainAvailable() {
        return unavailableInChain().isEmpty();
    }

    /** Releases what the checks hold (clamd's pooled connections); called when the node stops. */
    public void close() {
        for (Check check : checks.values()) {
            if (check instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Check {} did not close cleanly: {}", check.name(), e.toString());
                }
            }
        }
    }

    /** Logs the chain and one line per check: available or not, and why. */
    public void logStatus() {
        LOG.info("Policy chain (routes): {}", chain.isEmpty() ? "(no checks)" : String.join(" -> ", chain));
        Map<String, CheckStatus> statuses = statuses();
        statuses.forEach((name, status) -> {
            boolean used = chain.contains(name);
            String what = checks.containsKey(name) ? checks.get(name).describe() : name;
            if (status.available()) {
                LOG.info("Check {}: available{}: {}", name, used ? "" : " (not in the routes)", what);
            } else if (used) {
                LOG.warn("Check {}: UNAVAILABLE on this node: {}. The node grabs no mail while a check of its "
                        + "chain is unavailable (maintenance); peers that have it process its mailbox", name, status.reason());
            } else {
                LOG.info("Check {}: unavailable (not in the routes): {}", name, status.reason());
            }
        });
    }

    private static CheckStatus status(Check check) {
        try {
            return check.status();
        } catch (RuntimeException e) {
            return CheckStatus.unavailable("status failed: " + e);
        }
    }
}
