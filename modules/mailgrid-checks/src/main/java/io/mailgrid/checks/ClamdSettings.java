package io.mailgrid.checks;

import java.time.Duration;
import java.util.List;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Setting;

/**
 * The settings of {@code check:clamd} ({@code mailgrid.clamd.*}).
 *
 * @param address         where clamd listens
 * @param timeout         longest one scan may take once connected
 * @param connectTimeout  longest wait for a connection, and for the whole availability probe
 * @param poolSize        sessions kept open; 0 = a connection per scan
 * @param streamMaxLength clamd's StreamMaxLength, bytes
 */
public record ClamdSettings(ClamdAddress address, Duration timeout, Duration connectTimeout, int poolSize,
        long streamMaxLength) {

    /** {@code unix:PATH} or {@code tcp:HOST:PORT}. */
    public static final String ADDRESS = "mailgrid.clamd.address";
    /** Longest one scan may take once connected. */
    public static final String TIMEOUT = "mailgrid.clamd.timeout";
    /** Longest wait for a connection, and for the whole availability probe. */
    public static final String CONNECT_TIMEOUT = "mailgrid.clamd.connect-timeout";
    /** Sessions kept open; 0 = a connection per scan. */
    public static final String POOL_SIZE = "mailgrid.clamd.pool-size";
    /** clamd's StreamMaxLength: a larger mail is a scanner error. */
    public static final String STREAM_MAX_LENGTH = "mailgrid.clamd.stream-max-length";

    /** The keys, with their scope: where clamd runs and how long to wait is the node's; what it scans is policy. */
    public static final List<Setting> SETTINGS = List.of(Setting.node(ADDRESS), Setting.node(TIMEOUT),
            Setting.node(CONNECT_TIMEOUT), Setting.node(POOL_SIZE), Setting.policy(STREAM_MAX_LENGTH));

    /** Reads the settings; a bad one fails naming its key. */
    public static ClamdSettings from(MailgridConfig config) {
        ClamdAddress address;
        try {
            address = ClamdAddress.parse(config.string(ADDRESS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ADDRESS + ": " + e.getMessage());
        }
        return new ClamdSettings(address, positive(config, TIMEOUT), positive(config, CONNECT_TIMEOUT),
                config.integer(POOL_SIZE, 0), atLeastOne(config, STREAM_MAX_LENGTH));
    }

    private static Duration positive(MailgridConfig config, String key) {
        Duration value = config.duration(key);
        if (value.isZero() || value.isNegative()) {
            throw new ConfigException(key + ": must be positive, got '" + config.string(key) + "'");
        }
        return value;
    }

    private static long atLeastOne(MailgridConfig config, String key) {
        long value = config.bytes(key);
        if (value < 1) {
            throw new ConfigException(key + ": must be at least 1 byte, got '" + config.string(key) + "'");
        }
        return value;
    }
}
