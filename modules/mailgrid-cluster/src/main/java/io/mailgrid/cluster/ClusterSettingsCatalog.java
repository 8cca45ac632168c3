package io.mailgrid.cluster;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of the cluster: heartbeats, helping and taking over peers, forgetting departed nodes. */
public final class ClusterSettingsCatalog implements SettingsCatalog {

    /** How often a node publishes its heartbeat. */
    public static final String HEARTBEAT_INTERVAL = "mailgrid.heartbeat.interval";
    /** Silence after which a peer counts as DOWN and is taken over. */
    public static final String HEARTBEAT_TIMEOUT = "mailgrid.heartbeat.timeout";
    /** Whether an idle worker helps peers with their mailboxes (load balancing). */
    public static final String CLUSTER_HELP_PEERS = "mailgrid.cluster.help-peers";
    /** Whether a worker takes over a failed peer's mailbox although its policy hash differs. */
    public static final String CLUSTER_TAKEOVER_ON_DRIFT = "mailgrid.cluster.takeover-on-drift";
    /** Silence after which a DOWN peer with an empty mailbox and outbound queue is forgotten; 0 = never. */
    public static final String CLUSTER_FORGET_AFTER = "mailgrid.cluster.forget-after";
    /** How many workers help with each worker's mailbox while its owner processes it; 0 = every worker. */
    public static final String HELPERS = "mailgrid.cluster.helpers";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(HEARTBEAT_INTERVAL),
                Setting.node(HEARTBEAT_TIMEOUT),
                Setting.node(CLUSTER_HELP_PEERS),
                Setting.node(HELPERS),
                Setting.node(CLUSTER_TAKEOVER_ON_DRIFT),
                Setting.node(CLUSTER_FORGET_AFTER));
    }
}
