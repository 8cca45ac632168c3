package io.mailgrid.core;

import java.util.Objects;

/**
 * One key of {@code config/mailgrid.properties}, declared by the module that reads it, with its
 * {@link SettingScope}.
 *
 * @param key   the property name, e.g. {@code mailgrid.smtp.size-limit}
 * @param scope whether it is part of the cluster's policy
 */
public record Setting(String key, SettingScope scope) {

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scope, "scope");
    }

    /** A setting every node must share. */
    public static Setting policy(String key) {
        return new Setting(key, SettingScope.POLICY);
    }

    /** A setting of one node alone. */
    public static Setting node(String key) {
        return new Setting(key, SettingScope.NODE);
    }

    @Override
    public String toString() {
        return key;
    }
}
