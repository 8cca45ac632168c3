package io.mailgrid.node;

import java.util.List;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;
import io.mailgrid.node.logging.LogFormat;

/**
 * The settings of the running node: grabbers and their large-mail lane, the reservation deadline, the
 * memory budget for mail, the shutdown grace period.
 */
public final class NodeSettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(MailgridConfig.GRABBER_CONSUMERS),
                Setting.node(MailgridConfig.LARGE_MAIL_SIZE),
                Setting.node(MailgridConfig.LARGE_MAIL_CONSUMERS),
                Setting.node(MailgridConfig.RESERVATION_TIMEOUT),
                Setting.node(MailgridConfig.MEMORY_MAIL_BUDGET),
                Setting.node(MailgridConfig.SHUTDOWN_GRACE),
                Setting.node(LogFormat.KEY));
    }
}
