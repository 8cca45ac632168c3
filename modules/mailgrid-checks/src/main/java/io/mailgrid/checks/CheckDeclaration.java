package io.mailgrid.checks;

import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.util.URISupport;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.RequiredChecks;

/**
 * One check step as written in the routes: {@code <to uri="check:content-rules?id=confidential&amp;file=..."/>}.
 *
 * <p>Parameters every step takes:
 * <table>
 * <caption>Common step parameters</caption>
 * <tr><th>parameter</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code id}</td><td>optional; the instance name in stamps, reasons, status and required checks
 *     (lower-case letters, digits, '-'); needed when a check appears twice</td><td>the check's name</td></tr>
 * <tr><td>{@code outcome}</td><td>optional; {@code quarantine} or {@code tag}</td><td>quarantine</td></tr>
 * <tr><td>{@code tag}</td><td>optional, with outcome=tag; the X-Mailgrid-Tag value (printable ASCII)</td>
 *     <td>the instance name</td></tr>
 * <tr><td>{@code subjectPrefix}</td><td>optional, with outcome=tag; put before the Subject (printable
 *     ASCII)</td><td>none</td></tr>
 * </table>
 * Any other parameter overrides one of the check's own settings ({@link CheckKind#keyOf}); an
 * unknown one fails start-up naming it.
 *
 * @param instance  the instance name
 * @param kind      which check
 * @param overrides settings keys this step overrides, with their values
 * @param outcome   what a verdict other than CLEAN does
 * @param tag       the X-Mailgrid-Tag value (outcome TAG)
 * @param subjectPrefix text put before the subject (outcome TAG), or empty
 */
public record CheckDeclaration(String instance, CheckKind kind, Map<String, String> overrides, CheckOutcome outcome,
        String tag, String subjectPrefix) {

    /** The URI scheme of check steps. */
    public static final String SCHEME = "check";

    private static final List<String> COMMON = List.of("id", "outcome", "tag", "subjectPrefix");
    private static final int MAX_TAG = 100;

    public CheckDeclaration {
        overrides = Map.copyOf(overrides);
    }

    /**
     * Reads a step from its URI ({@code check:NAME?params}), placeholders already resolved.
     *
     * @throws ConfigException not a known check, or a parameter that is unknown or bad, naming it
     */
    public static CheckDeclaration parse(String uri) {
        String rest = uri.startsWith(SCHEME + "://") ? uri.substring(SCHEME.length() + 3)
                : uri.startsWith(SCHEME + ":") ? uri.substring(SCHEME.length() + 1) : null;
        if (rest == null) {
            throw new IllegalArgumentException("not a check step: " + uri);
        }
        int query = rest.indexOf('?');
        Map<String, Object> parameters;
        try {
            parameters = query < 0 ? new LinkedHashMap<>() : URISupport.parseQuery(rest.substring(query + 1));
        } catch (URISyntaxException e) {
            throw new ConfigException(uri + ": " + e.getMessage(), e);
        }
        return of(query < 0 ? rest : rest.substring(0, query), parameters);
    }

    /**
     * A step of check {@code name} with these parameters; takes away the ones it used, so the map
     * is empty afterwards (Camel's own check for unknown parameters then has nothing to report).
     */
    public static CheckDeclaration of(String name, Map<String, Object> parameters) {
        String step = "check:" + name;
        CheckKind kind = CheckKind.named(name).orElseThrow(() -> new ConfigException(step + ": no such check; known: "
                + String.join(", ", CheckKind.names())));
        Map<String, String> given = new LinkedHashMap<>();
        parameters.forEach((key, value) -> given.put(key, value == null ? "" : String.valueOf(value)));
        parameters.clear();
        String instance = given.getOrDefault("id", kind.checkName());
        if (!RequiredChecks.isName(instance)) {
            throw new ConfigException(step + ": id '" + instance + "' is not a check name (lower-case letters, digits and '-')");
        }
        if (CheckKind.named(instance).filter(other -> other != kind).isPresent()) {
            // a mail requiring "clamd" must never be satisfied by a step that is not a clamd scan
            throw new ConfigException(step + ": id '" + instance + "' is the name of another check");
        }
        String outcomeText = given.getOrDefault("outcome", CheckOutcome.QUARANTINE.value());
        CheckOutcome outcome = CheckOutcome.parse(outcomeText).orElseThrow(() -> new ConfigException(step
                + ": outcome '" + outcomeText + "' is not one of quarantine, tag (reject at SMTP is not supported: "
                + "README \"Policy checks\")"));
        if (outcome != CheckOutcome.TAG && (given.containsKey("tag") || given.containsKey("subjectPrefix"))) {
            throw new ConfigException(step + ": tag and subjectPrefix need outcome=tag");
        }
        String tag = headerText(step, "tag", given.getOrDefault("tag", instance));
        String subjectPrefix = headerText(step, "subjectPrefix", given.getOrDefault("subjectPrefix", ""));
        if (tag.isEmpty()) {
            throw new ConfigException(step + ": tag must not be empty");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        given.forEach((parameter, value) -> {
            if (!COMMON.contains(parameter)) {
                kind.keyOf(parameter).ifPresentOrElse(key -> overrides.put(key, value), () -> unknown.add(parameter));
            }
        });
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>(COMMON);
            known.addAll(kind.parameters());
            throw new ConfigException(step + ": unknown parameter " + String.join(", ", unknown) + "; check:" + name
                    + " takes " + String.join(", ", known));
        }
        return new CheckDeclaration(instance, kind, overrides, outcome, tag, subjectPrefix);
    }

    /**
     * Builds this step's check: the settings with the step's overrides.
     *
     * @throws ConfigException a bad value, naming the step, the parameter and the key
     */
    public Check build(MailgridConfig defaults) {
        try {
            return kind.build(defaults.with(overrides));
        } catch (ConfigException e) {
            throw new ConfigException("check step '" + instance + "' (check:" + kind.checkName() + "): "
                    + describeKey(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ConfigException("check step '" + instance + "' (check:" + kind.checkName() + ") cannot start: "
                    + e.getMessage(), e);
        }
    }

    /** Names the step parameter beside a key the step overrides, so the operator finds it. */
    private String describeKey(String message) {
        for (String key : overrides.keySet()) {
            if (message.startsWith(key)) {
                return "parameter " + CheckKind.parameterOf(key) + " (" + key + ")" + message.substring(key.length());
            }
        }
        return message;
    }

    private static String headerText(String step, String parameter, String value) {
        if (value.length() > MAX_TAG || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ConfigException(step + ": " + parameter + " must be printable ASCII of at most " + MAX_TAG
                    + " characters (it goes into a mail header)");
        }
        return value;
    }
}
