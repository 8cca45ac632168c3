package io.mailgrid.broker;

import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/**
 * The settings of the embedded broker: its configuration file, its TLS key store, and the redelivery
 * values broker.xml takes from them.
 */
public final class BrokerSettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.BROKER_CONFIG),
                Setting.node(MailgridConfig.BROKER_TLS_KEY_STORE),
                Setting.node(MailgridConfig.BROKER_TLS_KEY_STORE_PASSWORD),
                Setting.node(MailgridConfig.REDELIVERY_DELAY),
                Setting.node(MailgridConfig.REDELIVERY_MAX_ATTEMPTS));
    }
}
