package io.mailgrid.core;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Who this node is and where it keeps its files, resolved once from the configuration.
 *
 * @param name    the node name, part of its queue names
 * @param role    what the node runs
 * @param dataDir the node's data directory (pickup folder, outbox, embedded broker journal)
 */
public record NodeSettings(String name, Role role, Path dataDir) {

    /** What a node runs. */
    public enum Role {
        /** Ingress, policy checks (grabbers) and delivery. */
        WORKER,
        /** Ingress and delivery only; worker nodes process its mailbox. */
        HOST;

        /** The name in the properties file and in heartbeats: {@code worker} or {@code host}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The role of this name (either case), or {@code null} if none has it. */
        public static Role fromWire(String name) {
            for (Role role : values()) {
                if (role.name().equalsIgnoreCase(name)) {
                    return role;
                }
            }
            return null;
        }
    }

    public NodeSettings {
        NodeNames.requireValid(name);
    }

    /** Resolves name (default: host name), role and data directory (default: ./var/&lt;node&gt;). */
    public static NodeSettings from(MailgridConfig config) {
        String name = config.string(CoreSettingsCatalog.NODE_NAME, NodeNames.fromHostName());
        try {
            NodeNames.requireValid(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CoreSettingsCatalog.NODE_NAME + ": " + e.getMessage());
        }
        String roleName = config.string(CoreSettingsCatalog.NODE_ROLE, Role.WORKER.wireName());
        Role role = Role.fromWire(roleName);
        if (role == null) {
            throw new ConfigException(CoreSettingsCatalog.NODE_ROLE + ": expected worker or host, got '" + roleName + "'");
        }
        Path data = Path.of(config.string(CoreSettingsCatalog.DATA_DIR, "var/" + name)).toAbsolutePath().normalize();
        return new NodeSettings(name, role, data);
    }

    /** The folder the node drains .eml files from. */
    public Path pickupDir() {
        return dataDir.resolve("pickup");
    }

    /** The default Maildir checked mail is delivered to. */
    public Path outboxDir() {
        return dataDir.resolve("outbox");
    }

    /** Where the embedded broker keeps its journal. */
    public Path brokerDir() {
        return dataDir.resolve("broker");
    }
}
