package io.mailgrid.ingress;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of ingress: the SMTP listener and the pickup folder. */
public final class IngressSettingsCatalog implements SettingsCatalog {

    /** Whether the node drains &lt;data&gt;/pickup. */
    public static final String PICKUP_ENABLED = "mailgrid.pickup.enabled";
    /** How often the pickup folder is polled. */
    public static final String PICKUP_INTERVAL = "mailgrid.pickup.interval";
    /** Largest pickup (and submit) file read; a larger one is set aside unread. */
    public static final String PICKUP_SIZE_LIMIT = "mailgrid.pickup.size-limit";
    /** How long a pickup file must have stayed unchanged before it is read. */
    public static final String PICKUP_MIN_AGE = "mailgrid.pickup.min-age";
    /** Port of the SMTP listener; 0 disables it. */
    public static final String SMTP_PORT = "mailgrid.smtp.port";
    /** Address the SMTP listener binds to. */
    public static final String SMTP_BIND_ADDRESS = "mailgrid.smtp.bind-address";
    /** Client networks (CIDR, comma-separated) allowed to send; empty means loopback clients only. */
    public static final String SMTP_ALLOWED_NETWORKS = "mailgrid.smtp.allowed-networks";
    /** Client networks (CIDR, comma-separated) offered Postfix's XFORWARD; empty means none. */
    public static final String SMTP_XFORWARD_CLIENTS = "mailgrid.smtp.xforward-clients";
    /** Largest mail accepted over SMTP, in bytes; advertised as SIZE. */
    public static final String SMTP_SIZE_LIMIT = "mailgrid.smtp.size-limit";
    /** Most RCPT TO accepted for one mail. */
    public static final String SMTP_MAX_RECIPIENTS = "mailgrid.smtp.max-recipients";
    /** Longest line accepted in a mail, in bytes without the line ending. */
    public static final String SMTP_MAX_LINE_LENGTH = "mailgrid.smtp.max-line-length";
    /** Most SMTP connections open at once. */
    public static final String SMTP_MAX_CONNECTIONS = "mailgrid.smtp.max-connections";
    /** How long an SMTP connection may stay silent before it is closed. */
    public static final String SMTP_IDLE_TIMEOUT = "mailgrid.smtp.idle-timeout";
    /** Longest one SMTP connection may last, whatever it sends; then 421 and closed. */
    public static final String SMTP_SESSION_TIMEOUT = "mailgrid.smtp.session-timeout";
    /** Longest the body of one mail (DATA or BDAT) may take to arrive; then 421 and closed. */
    public static final String SMTP_DATA_TIMEOUT = "mailgrid.smtp.data-timeout";
    /** Most SMTP connections open at once from one client address. */
    public static final String SMTP_MAX_CONNECTIONS_PER_CLIENT = "mailgrid.smtp.max-connections-per-client";
    /** Most SMTP commands a connection may send without a mail being accepted; then 421 and closed. */
    public static final String SMTP_MAX_COMMANDS_WITHOUT_PROGRESS = "mailgrid.smtp.max-commands-without-progress";
    /** PKCS12 key store of the SMTP listener, for STARTTLS; empty means no STARTTLS. */
    public static final String SMTP_TLS_KEY_STORE = "mailgrid.smtp.tls.key-store";
    /** Password of that key store. */
    public static final String SMTP_TLS_KEY_STORE_PASSWORD = "mailgrid.smtp.tls.key-store-password";
    /** File of SMTP AUTH users (name = password hash); empty means no AUTH. */
    public static final String SMTP_AUTH_USERS_FILE = "mailgrid.smtp.auth.users-file";

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.node(SMTP_PORT),
                Setting.node(SMTP_BIND_ADDRESS),
                Setting.node(SMTP_ALLOWED_NETWORKS),
                Setting.node(SMTP_SIZE_LIMIT),
                Setting.node(SMTP_MAX_RECIPIENTS),
                Setting.node(SMTP_MAX_LINE_LENGTH),
                Setting.node(SMTP_MAX_CONNECTIONS),
                Setting.node(SMTP_IDLE_TIMEOUT),
                Setting.node(SMTP_SESSION_TIMEOUT),
                Setting.node(SMTP_DATA_TIMEOUT),
                Setting.node(SMTP_MAX_CONNECTIONS_PER_CLIENT),
                Setting.node(SMTP_MAX_COMMANDS_WITHOUT_PROGRESS),
                Setting.node(SMTP_TLS_KEY_STORE),
                Setting.node(SMTP_TLS_KEY_STORE_PASSWORD),
                Setting.node(SMTP_AUTH_USERS_FILE),
                Setting.node(SMTP_XFORWARD_CLIENTS),
                Setting.node(PICKUP_ENABLED),
                Setting.node(PICKUP_INTERVAL),
                Setting.node(PICKUP_SIZE_LIMIT),
                Setting.node(PICKUP_MIN_AGE));
    }
}
