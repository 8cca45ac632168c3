package io.mailgrid.checks.condition;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.checks.CheckSettings;
import io.mailgrid.checks.MimeLimits;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The conditions a node binds by name for the policy routes ({@code inbound}, {@code outbound},
 * {@code internal}, {@code hasAttachment}), and the start-up check of conditions the routes declare
 * as beans ({@code <bean name="fromPartner" type="io.mailgrid.checks.condition.SenderDomain">}).
 */
public final class Conditions {

    private static final Logger LOG = LoggerFactory.getLogger(Conditions.class);

    private Conditions() {
    }

    /**
     * The named conditions, built from the settings.
     *
     * @throws ConfigException a bad {@code mailgrid.local-domains} entry
     */
    public static Map<String, MailCondition> builtIn(MailgridConfig config) {
        String local = config.string(CheckSettings.LOCAL_DOMAINS, "");
        AddressPatterns localDomains = null;
        if (!local.isBlank()) {
            try {
                localDomains = AddressPatterns.parse(CheckSettings.LOCAL_DOMAINS, local);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage(), e);
            }
        }
        Map<String, MailCondition> named = new LinkedHashMap<>();
        named.put("inbound", new DirectionIs(Direction.INBOUND, localDomains));
        named.put("outbound", new DirectionIs(Direction.OUTBOUND, localDomains));
        named.put("internal", new DirectionIs(Direction.INTERNAL, localDomains));
        named.put("hasAttachment", new HasAttachment(MimeLimits.from(config)));
        return named;
    }

    /**
     * Whether an address is in {@code mailgrid.local-domains}; every address is when it is empty (as
     * every mail then counts as inbound).
     *
     * @throws ConfigException a bad {@code mailgrid.local-domains} entry
     */
    public static java.util.function.Predicate<String> localAddress(MailgridConfig config) {
        String local = config.string(CheckSettings.LOCAL_DOMAINS, "");
        if (local.isBlank()) {
            return address -> true;
        }
        try {
            AddressPatterns domains = AddressPatterns.parse(CheckSettings.LOCAL_DOMAINS, local);
            return address -> domains.matches(AddressPatterns.domain(address));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** Fails start-up for a condition bean the routes declare without its required property, naming it. */
    public static void verify(CamelContext camel) {
        camel.getRegistry().findByTypeWithName(MailCondition.class).forEach((name, condition) -> {
            try {
                condition.requireComplete(name);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("condition bean '" + name + "': " + e.getMessage(), e);
            }
        });
    }

    /** Warns when mailgrid.local-domains is empty: every mail then counts as inbound. */
    public static void warnWithoutLocalDomains(MailgridConfig config) {
        if (config.string(CheckSettings.LOCAL_DOMAINS, "").isBlank()) {
            LOG.warn("{} is empty: every mail counts as inbound for the inbound/outbound/internal conditions",
                    CheckSettings.LOCAL_DOMAINS);
        }
    }

    /** Throws when a required property was not set. */
    static boolean required(Object value, String type, String property) {
        if (value == null) {
            throw new IllegalArgumentException(type + " needs the property " + property);
        }
        return true;
    }
}
