package io.mailgrid.core;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;

/**
 * Mailgrid's settings: the documented properties file, overridden by environment variables,
 * then by {@code -Dkey=value} system properties, then by command-line options.
 *
 * <p>An environment variable overrides a key when its name is the key in upper case with dots
 * and dashes turned into underscores: {@code MAILGRID_NODE_NAME} sets {@code mailgrid.node.name}.
 * Only keys that the properties file or a module's {@link SettingsCatalog} declares can be set from
 * the environment, so a stray variable cannot change anything by accident, and a short properties
 * file of one's own does not stop {@code MAILGRID_BROKER_PASSWORD} from working.
 *
 * <p>Getters fail fast with a {@link ConfigException} that names the key and the bad value.
 */
public final class MailgridConfig {

    // the keys are declared by the module that reads them, in its SettingsCatalog (docs/adr/0034)

    private static final String PREFIX = "mailgrid.";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]B?|B)?", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;

    private MailgridConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Loads the properties file and applies the environment, the system properties and the
     * given overrides, in that order.
     */
    public static MailgridConfig load(Path file, Map<String, String> environment, Properties system,
            Map<String, String> overrides) {
        return load(file, List.of(), environment, system, overrides);
    }

    /**
     * As {@link #load(Path, Map, Properties, Map)}, where the environment may also set the given
     * keys the file does not declare (every module's declared keys).
     */
    public static MailgridConfig load(Path file, Collection<String> declaredKeys, Map<String, String> environment,
            Properties system, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(readFile(file));
        Set<String> settable = new LinkedHashSet<>(values.keySet());
        settable.addAll(declaredKeys);
        for (String key : settable) {
            String fromEnv = environment.get(environmentName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith(PREFIX) || name.startsWith("camel.")) {
                values.put(name, system.getProperty(name));
            }
        }
        overrides.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
            }
        });
        return new MailgridConfig(values);
    }

    /** Settings from a map alone, for tests and tools that build their configuration in code. */
    public static MailgridConfig of(Map<String, String> values) {
        return new MailgridConfig(values);
    }

    /** A copy of these settings with some keys changed. */
    public MailgridConfig with(Map<String, String> changes) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(changes);
        return new MailgridConfig(copy);
    }

    /** A copy of these settings with one key changed. */
    public MailgridConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** The environment variable that overrides a key. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of a key that must be set and not blank. */
    public String string(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is not set; set it in the properties file, as "
                    + environmentName(key) + " or with -D" + key + "=...");
        }
        return value.trim();
    }

    /** The value of a key, or the fallback when it is missing or blank. */
    public String string(String key, String fallback) {
        String value = values.get(key);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** Whether the key has a non-blank value. */
    public boolean isSet(String key) {
        String value = values.get(key);
        return value != null && !value.isBlank();
    }

    /** A whole-number setting. */
    public int integer(String key) {
        String value = string(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": expected a whole number, got '" + value + "'");
        }
    }

    /** A whole-number setting that must be at least {@code min}. */
    public int integer(String key, int min) {
        int value = integer(key);
        if (value < min) {
            throw new ConfigException(key + ": must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A true/false setting. */
    public boolean bool(String key) {
        String value = string(key).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key + ": expected true or false, got '" + value + "'");
        };
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 15m} or {@code 1h}; a bare number is milliseconds. */
    public Duration duration(String key) {
        String value = string(key);
        try {
            return Duration.ofMillis(TimeUtils.toMilliSeconds(value));
        } catch (RuntimeException e) {
            throw new ConfigException(key + ": expected a duration such as 500ms, 10s or 15m, got '" + value + "'", e);
        }
    }

    /**
     * A size such as {@code 64KB}, {@code 25MB} or {@code 1GB} (binary units: 1KB = 1024 bytes);
     * a bare number is bytes.
     */
    public long bytes(String key) {
        String value = string(key);
        Matcher size = SIZE.matcher(value);
        if (!size.matches()) {
            throw new ConfigException(key + ": expected a size such as 64KB, 25MB or 1GB, got '" + value + "'");
        }
        long number = Long.parseLong(size.group(1));
        String unit = size.group(2) == null ? "" : size.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB", "K" -> 10;
            case "MB", "M" -> 20;
            case "GB", "G" -> 30;
            default -> 0;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new ConfigException(key + ": size too large: '" + value + "'");
        }
        return number << shift;
    }

    /** A comma-separated list, each item trimmed, empty items dropped; empty when the key is blank. */
    public List<String> list(String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** Every setting, for handing to Camel as property placeholders. */
    public Properties asProperties() {
        Properties properties = new Properties();
        values.forEach(properties::setProperty);
        return properties;
    }

    /** Every setting as an unmodifiable map. */
    public Map<String, String> asMap() {
        return values;
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read the properties file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
