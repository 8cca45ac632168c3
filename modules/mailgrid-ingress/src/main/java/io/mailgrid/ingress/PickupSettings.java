package io.mailgrid.ingress;

import java.time.Duration;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The pickup folder's settings, checked once at start-up (also by {@code submit}, which reads files
 * with the same size limit).
 *
 * <table>
 * <caption>Keys (all in config/mailgrid.properties)</caption>
 * <tr><th>key</th><th>type</th><th>default</th></tr>
 * <tr><td>{@code mailgrid.pickup.size-limit}</td><td>size, 1 byte to 2 GB</td><td>10MB</td></tr>
 * <tr><td>{@code mailgrid.pickup.min-age}</td><td>duration, 0 = read at once</td><td>1s</td></tr>
 * </table>
 *
 * @param sizeLimit largest file read, in bytes; a larger one is set aside unread
 * @param minAge    how long a file must have stayed unchanged before it is read
 */
public record PickupSettings(long sizeLimit, Duration minAge) {

    /** The largest array the JVM can make: a mail is read into one. */
    private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    /** Reads and checks the settings; fails naming the key when one is unusable. */
    public static PickupSettings from(MailgridConfig config) {
        long sizeLimit = config.bytes(IngressSettingsCatalog.PICKUP_SIZE_LIMIT);
        if (sizeLimit < 1 || sizeLimit > MAX_SIZE) {
            throw new ConfigException(IngressSettingsCatalog.PICKUP_SIZE_LIMIT + ": must be 1 byte to 2GB (a mail is read into"
                    + " memory whole), got '" + config.string(IngressSettingsCatalog.PICKUP_SIZE_LIMIT) + "'");
        }
        Duration minAge = config.duration(IngressSettingsCatalog.PICKUP_MIN_AGE);
        if (minAge.isNegative()) {
            throw new ConfigException(IngressSettingsCatalog.PICKUP_MIN_AGE + ": must not be negative, got '"
                    + config.string(IngressSettingsCatalog.PICKUP_MIN_AGE) + "'");
        }
        return new PickupSettings(sizeLimit, minAge);
    }
}
