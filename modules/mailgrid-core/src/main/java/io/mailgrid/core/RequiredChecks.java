package io.mailgrid.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The checks a mail requires before it may be delivered: set at ingress from the origin node's
 * policy chain, carried by the mail in {@link MailProperty#REQUIRED_CHECKS}, and enforced by every
 * grabber, so a node whose chain lacks one of them never takes the mail (issue 10 case 6,
 * docs/adr/0018).
 *
 * <p>On the wire: the check names sorted and joined by commas ({@code attachment-policy,virus-scan});
 * one canonical text per set, so a JMS selector can compare it exactly.
 *
 * @param names the required check names
 */
public record RequiredChecks(SortedSet<String> names) {

    /** Most checks in one chain: the grabber's selector lists every subset of the chain (2^n texts). */
    public static final int MAX_CHAIN = 12;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public RequiredChecks {
        names = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
        names.forEach(RequiredChecks::requireName);
    }

    /** The checks named, in any order. */
    public static RequiredChecks of(Collection<String> names) {
        return new RequiredChecks(new TreeSet<>(names));
    }

    /**
     * What every mail a node accepts requires: the checks of its policy chain (on a host-only node
     * too, which does not run them) plus {@link MailgridConfig#POLICY_REQUIRED_CHECKS}.
     *
     * @param chain  the checks the node's routes use
     * @param worker whether the node runs its chain (a worker must run every check it requires)
     * @throws ConfigException a listed name is not a check name, or a worker's chain lacks a listed check
     */
    public static RequiredChecks forNode(MailgridConfig config, Collection<String> chain, boolean worker) {
        SortedSet<String> names = new TreeSet<>(chain);
        for (String listed : config.list(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS)) {
            if (!isName(listed)) {
                throw new ConfigException(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS + ": '" + listed
                        + "' is not a check name (lower-case letters, digits and '-')");
            }
            if (worker && !chain.contains(listed)) {
                throw new ConfigException(CoreSettingsCatalog.POLICY_REQUIRED_CHECKS + ": this worker's policy chain ("
                        + String.join(", ", chain) + ") lacks '" + listed + "', so it could never check its own mail;"
                        + " add check-" + listed + " to routes/policy.xml or remove it here");
            }
            names.add(listed);
        }
        return new RequiredChecks(names);
    }

    /** Reads the property's value; an empty text is "no check required". */
    public static RequiredChecks parse(String encoded) {
        if (encoded == null || encoded.isBlank()) {
            return of(List.of());
        }
        return of(Arrays.stream(encoded.split(",")).map(String::strip).toList());
    }

    /** The canonical text carried by the mail. */
    public String encode() {
        return String.join(",", names);
    }

    /** Whether a node with this policy chain runs every required check. */
    public boolean satisfiedBy(Collection<String> chain) {
        return chain.containsAll(names);
    }

    /** The required checks the chain lacks, sorted; empty when it runs them all. */
    public SortedSet<String> missingFrom(Collection<String> chain) {
        SortedSet<String> missing = new TreeSet<>(names);
        missing.removeAll(chain);
        return missing;
    }

    /**
     * A JMS selector that matches exactly the mails a node with this chain may process: those whose
     * required checks are a subset of the chain (every subset is listed: {@code IN} is a hash lookup
     * in Artemis). {@code acceptUnmarked} also lets through mails published without the property
     * (by a Mailgrid older than this rule), which only a node under the same policy as their origin
     * should take.
     *
     * @throws IllegalArgumentException a chain of more than {@link #MAX_CHAIN} checks
     */
    public static String selector(Collection<String> chain, boolean acceptUnmarked) {
        List<String> checks = new ArrayList<>(new TreeSet<>(chain));
        checks.forEach(RequiredChecks::requireName);
        if (checks.size() > MAX_CHAIN) {
            throw new IllegalArgumentException("a policy chain of " + checks.size() + " checks; at most " + MAX_CHAIN
                    + " are supported");
        }
        StringBuilder in = new StringBuilder();
        for (int subset = 0; subset < 1 << checks.size(); subset++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < checks.size(); i++) {
                if ((subset & 1 << i) != 0) {
                    text.append(text.length() == 0 ? "" : ",").append(checks.get(i));
                }
            }
            in.append(in.length() == 0 ? "" : ", ").append('\'').append(text).append('\'');
        }
        String matching = MailProperty.REQUIRED_CHECKS + " IN (" + in + ")";
        return acceptUnmarked ? "(" + matching + " OR " + MailProperty.REQUIRED_CHECKS + " IS NULL)" : matching;
    }

    /** Whether the text is a valid check name (lower-case letters, digits and dashes). */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requireName(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("not a check name: '" + name + "' (lower-case letters, digits and '-')");
        }
    }
}
