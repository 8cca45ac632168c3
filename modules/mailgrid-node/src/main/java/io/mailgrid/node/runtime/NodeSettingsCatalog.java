package io.mailgrid.node.runtime;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;
import io.mailgrid.node.logging.LogFormat;

/**
 * The settings of the running node: the large-mail lane, the reservation deadline, the shutdown grace
 * period, the quarantine notifications (the grabbers' count and the memory budget are core's: the cluster and ingress read them too).
 */
public final class NodeSettingsCatalog implements SettingsCatalog {

    /** Processing deadline of one reserved mail. */
    public static final String RESERVATION_TIMEOUT = "mailgrid.reservation.timeout";
    /** How long a stopping node waits for in-flight mails before rolling them back. */
    public static final String SHUTDOWN_GRACE = "mailgrid.shutdown.grace-period";
    /** Mails of at least this size go through the large-mail lane of grabbers and deliveries. */
    public static final String LARGE_MAIL_SIZE = "mailgrid.large-mail.size";
    /** Concurrent consumers of the large-mail lane of each grabber and delivery. */
    public static final String LARGE_MAIL_CONSUMERS = "mailgrid.large-mail.consumers";

    /** Address that receives a summary of each quarantined mail; empty = none. */
    public static final String QUARANTINE_NOTIFY = "mailgrid.quarantine.notify";
    /** Whether the local recipients of a quarantined mail receive the summary too. */
    public static final String QUARANTINE_NOTIFY_RECIPIENTS = "mailgrid.quarantine.notify-recipients";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(LARGE_MAIL_SIZE),
                Setting.node(LARGE_MAIL_CONSUMERS),
                Setting.node(RESERVATION_TIMEOUT),
                Setting.node(SHUTDOWN_GRACE),
                Setting.node(LogFormat.KEY),
                Setting.node(QUARANTINE_NOTIFY),
                Setting.node(QUARANTINE_NOTIFY_RECIPIENTS));
    }
}
