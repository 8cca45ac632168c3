package io.mailgrid.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;

/**
 * Keeps the shipped development passwords on one machine: a broker reachable beyond loopback, or
 * a connection to a broker on another host, with such a password fails at start-up naming the key
 * to set. (SMTP refuses its equivalent, a listener others can reach without allowed networks.)
 */
public final class DevelopmentPasswords {

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

    /** Whether every address of the host is a loopback address; an unknown host is not. */
    static boolean isLoopback(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress address : InetAddress.getAllByName(name)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
