package io.mailgrid.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Keeps the shipped development passwords on one machine: a broker reachable beyond loopback, or
 * a connection to a broker on another host, with such a password fails at start-up naming the key
 * to set. (SMTP refuses its equivalent, a listener others can reach without allowed networks.)
 */
public final class DevelopmentPasswords {

    private static final Pattern IP_V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private DevelopmentPasswords() {
    }

    /**
     * Fails if any host is not loopback while any of the logins has its development password.
     *
     * @param hosts  host names or addresses the broker listens on or is reached at
     * @param what   what would happen, with {@code %s} for the host, for the message
     * @throws ConfigException naming the password key and the host
     */
    public static void refuseBeyondLoopback(MailgridConfig config, Collection<String> hosts, String what, BrokerLogin... logins) {
        for (BrokerLogin login : logins) {
            if (!login.hasDevelopmentPassword(config)) {
                continue;
            }
            for (String host : hosts) {
                if (!isLoopback(host)) {
                    throw new ConfigException(login.passwordKey() + " is the shipped development password, known to everyone, and "
                            + what.formatted(host) + ": set a password of your own ("
                            + MailgridConfig.environmentName(login.passwordKey()) + "), or keep the broker on 127.0.0.1");
                }
            }
        }
    }

    /**
     * Whether the host is loopback: {@code localhost} or a loopback IP literal. Other names count as
     * remote without a DNS lookup, so the check never waits for a name server.
     */
    static boolean isLoopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IP_V4.matcher(name).matches() && !name.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
