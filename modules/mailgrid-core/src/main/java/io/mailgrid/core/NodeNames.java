package io.mailgrid.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Rules for node names: they become part of queue names, file names and Maildir names. */
public final class NodeNames {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private NodeNames() {
    }

    /** Returns the name if it is a valid node name, otherwise throws naming the rule. */
    public static String requireValid(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid node name '" + name
                    + "': use 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        }
        return name;
    }

    /** The default node name: this machine's short host name, made valid. */
    public static String fromHostName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "node");
        }
        String shortName = host.split("\\.")[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        shortName = shortName.replaceAll("^[-_]+", "");
        if (shortName.isEmpty()) {
            return "node";
        }
        return shortName.length() > 63 ? shortName.substring(0, 63) : shortName;
    }
}
