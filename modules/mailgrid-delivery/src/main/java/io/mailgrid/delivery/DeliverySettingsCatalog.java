package io.mailgrid.delivery;

import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of delivery: Maildir or SMTP relay, concurrency, the record of delivered mail. */
public final class DeliverySettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.DELIVERY_CONSUMERS),
                Setting.node(MailgridConfig.DELIVERY_MAILDIR),
                Setting.node(MailgridConfig.DELIVERY_RELAY),
                Setting.node(MailgridConfig.DELIVERY_RELAY_TIMEOUT),
                Setting.node(MailgridConfig.DELIVERY_RELAY_HELO),
                Setting.node(MailgridConfig.DELIVERY_RECORD_RETENTION));
    }
}
