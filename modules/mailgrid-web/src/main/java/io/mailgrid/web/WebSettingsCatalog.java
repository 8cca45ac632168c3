package io.mailgrid.web;

import java.util.List;

import io.mailgrid.core.Setting;
import io.mailgrid.core.SettingsCatalog;

/** The settings of the node's HTTP listener: per node, never policy. */
public final class WebSettingsCatalog implements SettingsCatalog {

    @Override
    public List<Setting> settings() {
        return List.of(Setting.node(HttpSettings.PORT), Setting.node(HttpSettings.HOST));
    }
}
