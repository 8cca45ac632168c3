package io.mailgrid.cluster;

import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of the cluster: heartbeats, helping and taking over peers, forgetting departed nodes. */
public final class ClusterSettingsCatalog implements SettingsCatalog {

    /** How many workers help with each worker's mailbox while its owner processes it; 0 = every worker. */
    public static final String HELPERS = "mailgrid.cluster.helpers";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.HEARTBEAT_INTERVAL),
                Setting.node(MailgridConfig.HEARTBEAT_TIMEOUT),
                Setting.node(MailgridConfig.CLUSTER_HELP_PEERS),
                Setting.node(HELPERS),
                Setting.node(MailgridConfig.CLUSTER_TAKEOVER_ON_DRIFT),
                Setting.node(MailgridConfig.CLUSTER_FORGET_AFTER));
    }
}
