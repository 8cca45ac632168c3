package io.mailgrid.checks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.checks.condition.Conditions;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The node's check instances: one per {@code check:} step of the routes Camel loaded
 * ({@link PolicyModel}), each built from the properties-file settings with the step's parameters
 * over them. Their instance names, in route order, are the policy chain the node reports, requires of
 * mail and runs.
 *
 * <p>Every step must build: a bad parameter or setting fails start-up naming it.
 * {@link #unavailableInChain()} is what a node should not grab mail without: a mail that reaches an
 * unavailable check is rolled back and retried, then dead-lettered, never delivered.
 */
public final class Checks {

    private static final Logger LOG = LoggerFactory.getLogger(Checks.class);

    private final MailgridConfig config;
    private final Map<String, CheckStep> steps = new LinkedHashMap<>();

    /** @param config the settings every step starts from */
    public Checks(MailgridConfig config) {
        this.config = config;
    }

    /** Given steps, for tests and tools. */
    public static Checks of(List<CheckStep> steps) {
        Checks checks = new Checks(MailgridConfig.of(Map.of()));
        steps.forEach(step -> checks.steps.put(step.instance(), step));
        return checks;
    }

    /** The conditions every node binds by name for the routes (inbound, outbound, internal, hasAttachment). */
    public Map<String, ? extends org.apache.camel.Predicate> namedConditions() {
        return Conditions.builtIn(config);
    }

    /** The component routes use for their check steps; bind it as {@code check}. */
    public CheckComponent component() {
        return new CheckComponent(this);
    }

    /**
     * Builds one instance per check step of the routes Camel loaded, before they start.
     *
     * @throws ConfigException a step is bad or cannot start, two different steps share an instance name, or a
     *                         condition bean lacks a required property
     */
    public synchronized void load(CamelContext camel) {
        Conditions.verify(camel);
        for (CheckDeclaration declaration : PolicyModel.read(camel)) {
            CheckStep known = steps.get(declaration.instance());
            if (known == null) {
                steps.put(declaration.instance(), new CheckStep(declaration, declaration.build(config)));
            } else if (!known.declaration().equals(declaration)) {
                throw new ConfigException("two different check steps are named '" + declaration.instance()
                        + "' (check:" + known.declaration().kind().checkName() + " and check:"
                        + declaration.kind().checkName() + "); give each its own id=");
            }
        }
    }

    /** The instance a route's endpoint runs: the one {@link #load} built for the same step. */
    synchronized CheckStep stepFor(CheckDeclaration declaration) {
        CheckStep step = steps.get(declaration.instance());
        if (step == null || !step.declaration().equals(declaration)) {
            throw new ConfigException("check step '" + declaration.instance() + "' is not in the routes as loaded at "
                    + "start-up (a route added later cannot add a check: the chain is fixed when the node starts)");
        }
        return step;
    }

    /** Every check instance, in chain order. */
    public synchronized List<CheckStep> steps() {
        return List.copyOf(steps.values());
    }

    /** The check instance with this name. */
    public synchronized Optional<Check> get(String instance) {
        return Optional.ofNullable(steps.get(instance)).map(CheckStep::check);
    }

    /** Names of the check instances the routes use, in order: the policy chain. */
    public synchronized List<String> chain() {
        return List.copyOf(steps.keySet());
    }

    /**
     * The files the steps' parameters name (a content-rules file=...): their content is policy, so
     * the config hash covers it.
     */
    public List<Path> stepFiles() {
        List<Path> files = new ArrayList<>();
        for (CheckStep step : steps()) {
            for (String value : step.declaration().overrides().values()) {
                try {
                    Path file = Path.of(value.strip());
                    if (!value.isBlank() && Files.isRegularFile(file)) {
                        files.add(file.toAbsolutePath().normalize());
                    }
                } catch (RuntimeException e) {
                    // not a path: the parameter's text alone counts, through the routes as loaded
                }
            }
        }
        return files;
    }

    /** The status of every check instance. */
    public Map<String, CheckStatus> statuses() {
        Map<String, CheckStatus> statuses = new LinkedHashMap<>();
        steps().forEach(step -> statuses.put(step.instance(), status(step.check())));
        return statuses;
    }

    /**
     * The check instances that cannot run on this node now, with the reason; empty when all can.
     * Runs every heartbeat; a check's status may probe a daemon (at most once a second).
     */
    public Map<String, CheckStatus> unavailableInChain() {
        Map<String, CheckStatus> unavailable = new LinkedHashMap<>();
        statuses().forEach((name, status) -> {
            if (!status.available()) {
                unavailable.put(name, status);
            }
        });
        return unavailable;
    }

    /** The chain's checks that report what they scan with ({@link Check#version()}), by instance. */
    public Map<String, String> chainVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        steps().forEach(step -> step.check().version().ifPresent(version -> versions.put(step.instance(), version)));
        return versions;
    }

    /** Whether every check of the chain can run on this node now. */
    public boolean chainAvailable() {
        return unavailableInChain().isEmpty();
    }

    /** Releases what the checks hold (clamd's pooled connections); called when the node stops. */
    public void close() {
        for (CheckStep step : steps()) {
            if (step.check() instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Check {} did not close cleanly: {}", step.instance(), e.toString());
                }
            }
        }
    }

    /** Logs the chain and one line per instance: available or not, and why. */
    public void logStatus() {
        List<String> chain = new ArrayList<>(chain());
        Conditions.warnWithoutLocalDomains(config);
        LOG.info("Policy chain (routes as loaded): {}", chain.isEmpty() ? "(no checks)" : String.join(" -> ", chain));
        for (CheckStep step : steps()) {
            CheckStatus status = status(step.check());
            CheckDeclaration declaration = step.declaration();
            String what = step.check().describe()
                    + (declaration.overrides().isEmpty() ? "" : ", step parameters " + declaration.overrides().keySet())
                    + (declaration.outcome() == CheckOutcome.TAG ? ", outcome tag '" + declaration.tag() + "'" : "");
            if (status.available()) {
                LOG.info("Check {}: available: {}", step.instance(), what);
            } else {
                LOG.warn("Check {}: UNAVAILABLE on this node: {}. The node grabs no mail while a check of its "
                        + "chain is unavailable (maintenance); peers that have it process its mailbox", step.instance(),
                        status.reason());
            }
        }
    }

    private static CheckStatus status(Check check) {
        try {
            return check.status();
        } catch (RuntimeException e) {
            return CheckStatus.unavailable("status failed: " + e);
        }
    }
}
