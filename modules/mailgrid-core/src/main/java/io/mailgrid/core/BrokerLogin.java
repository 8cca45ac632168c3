package io.mailgrid.core;

/**
 * Who a connection to the broker authenticates as. Each login has its own broker role (named in
 * {@code EmbeddedBroker}, granted in {@code broker-config/broker.xml}): a node may move mail and
 * send heartbeats, the operator (the command line) may read status, handle the quarantine and send
 * commands (README "Security").
 */
public enum BrokerLogin {

    /** A running node: ingress, grabbers, delivery, heartbeats. */
    NODE(CoreSettingsCatalog.BROKER_USER, CoreSettingsCatalog.BROKER_PASSWORD, "mailgrid-dev-password"),

    /** The command line: status, maintenance, quarantine, submit. */
    OPERATOR(CoreSettingsCatalog.BROKER_OPERATOR_USER, CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD,
            "mailgrid-operator-dev-password");

    private final String userKey;
    private final String passwordKey;
    private final String developmentPassword;

    BrokerLogin(String userKey, String passwordKey, String developmentPassword) {
        this.userKey = userKey;
        this.passwordKey = passwordKey;
        this.developmentPassword = developmentPassword;
    }

    /** The key of the user name. */
    public String userKey() {
        return userKey;
    }

    /** The key of the password. */
    public String passwordKey() {
        return passwordKey;
    }

    /** The user name from the settings. */
    public String user(MailgridConfig config) {
        return config.string(userKey);
    }

    /** The password from the settings. */
    public String password(MailgridConfig config) {
        return config.string(passwordKey);
    }

    /** The password config/mailgrid.properties ships with: known to everyone, for one machine only. */
    public String developmentPassword() {
        return developmentPassword;
    }

    /** Whether the settings still hold the shipped development password. */
    public boolean hasDevelopmentPassword(MailgridConfig config) {
        return developmentPassword.equals(password(config));
    }
}
