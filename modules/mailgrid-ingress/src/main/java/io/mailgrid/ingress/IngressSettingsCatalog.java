package io.mailgrid.ingress;

import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of ingress: the SMTP listener and the pickup folder. */
public final class IngressSettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.SMTP_PORT),
                Setting.node(MailgridConfig.SMTP_BIND_ADDRESS),
                Setting.node(MailgridConfig.SMTP_ALLOWED_NETWORKS),
                Setting.node(MailgridConfig.SMTP_SIZE_LIMIT),
                Setting.node(MailgridConfig.SMTP_MAX_RECIPIENTS),
                Setting.node(MailgridConfig.SMTP_MAX_LINE_LENGTH),
                Setting.node(MailgridConfig.SMTP_MAX_CONNECTIONS),
                Setting.node(MailgridConfig.SMTP_IDLE_TIMEOUT),
                Setting.node(MailgridConfig.SMTP_SESSION_TIMEOUT),
                Setting.node(MailgridConfig.SMTP_DATA_TIMEOUT),
                Setting.node(MailgridConfig.SMTP_MAX_CONNECTIONS_PER_CLIENT),
                Setting.node(MailgridConfig.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS),
                Setting.node(MailgridConfig.SMTP_TLS_KEY_STORE),
                Setting.node(MailgridConfig.SMTP_TLS_KEY_STORE_PASSWORD),
                Setting.node(MailgridConfig.SMTP_AUTH_USERS_FILE),
                Setting.node(MailgridConfig.SMTP_XFORWARD_CLIENTS),
                Setting.node(MailgridConfig.PICKUP_ENABLED),
                Setting.node(MailgridConfig.PICKUP_INTERVAL),
                Setting.node(MailgridConfig.PICKUP_SIZE_LIMIT),
                Setting.node(MailgridConfig.PICKUP_MIN_AGE));
    }
}
