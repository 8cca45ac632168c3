package io.mailgrid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The settings one module owns. Each module lists its keys in one implementation, registered in
 * {@code META-INF/services/io.mailgrid.core.SettingsCatalog}, so adding a module (a new check) adds
 * its settings without touching {@code mailgrid-core}, and the config hash takes every
 * {@link SettingScope#POLICY} key from here instead of a hand-kept list.
 */
public interface SettingsCatalog {

    /** The keys this module reads. */
    List<Setting> settings();

    /** Every setting of every module on the class path. */
    static List<Setting> all() {
        List<Setting> all = new ArrayList<>();
        ServiceLoader.load(SettingsCatalog.class).forEach(catalog -> all.addAll(catalog.settings()));
        return all;
    }
}
