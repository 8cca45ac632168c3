package io.mailgrid.core;

import java.util.List;

/**
 * The settings mailgrid-core reads: the node's identity and directories, the broker connection and
 * logins, the checks every mail must have passed.
 */
public final class CoreSettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.NODE_NAME),
                Setting.node(MailgridConfig.NODE_ROLE),
                Setting.node(MailgridConfig.DATA_DIR),
                Setting.node(MailgridConfig.ROUTES_DIR),
                Setting.node(MailgridConfig.BROKER_URL),
                Setting.node(MailgridConfig.BROKER_HOST),
                Setting.node(MailgridConfig.BROKER_PORT),
                Setting.node(MailgridConfig.BROKER_USER),
                Setting.node(MailgridConfig.BROKER_PASSWORD),
                Setting.node(MailgridConfig.BROKER_OPERATOR_USER),
                Setting.node(MailgridConfig.BROKER_OPERATOR_PASSWORD),
                Setting.node(MailgridConfig.BROKER_TLS_ENABLED),
                Setting.node(MailgridConfig.BROKER_TLS_TRUST_STORE),
                Setting.node(MailgridConfig.BROKER_TLS_TRUST_STORE_PASSWORD),
                Setting.node(MailgridConfig.BROKER_CONNECTION_TTL),
                Setting.node(MailgridConfig.BROKER_FAILURE_CHECK_PERIOD),
                Setting.node(MailgridConfig.BROKER_RECONNECT_ATTEMPTS),
                Setting.node(MailgridConfig.BROKER_CONSUMER_WINDOW),
                Setting.policy(MailgridConfig.POLICY_REQUIRED_CHECKS));
    }
}
