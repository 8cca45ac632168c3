package io.mailgrid.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Merges what an existing Artemis broker needs from Mailgrid's {@code broker-config/broker.xml}
 * into that broker's own {@code broker.xml}, as text: the rest of the file stays byte for byte.
 *
 * <p>Mailgrid's broker.xml marks these parts with {@code <!-- mailgrid:begin ... -->} and
 * {@code <!-- mailgrid:end -->} inside {@code security-settings}, {@code address-settings} and
 * {@code addresses}. Each marked block is copied, markers included, to the end of the same section
 * of the target (a section the target lacks is added); a block already there from an earlier merge
 * is replaced, so merging twice gives the same file.
 *
 * <p>Security: the target's administrator roles are the roles with {@code manage} on its
 * {@code activemq.management.#} entry; in the copied security block they take the place of
 * {@code amq} (the distribution's default), so the administrator keeps every right. The operator
 * role {@value EmbeddedBroker#OPERATOR_ROLE} and the node role {@value EmbeddedBroker#NODE_ROLE} are
 * added to the {@code send} and {@code manage} permissions of that entry ({@code ./mailgrid status},
 * {@code quarantine} and {@code forget} use management messages, and so does a node forgetting a
 * silent peer); no other entry of the target is touched. {@code management-message-rbac} is turned on, so a role that may
 * send management messages may only do the operations its {@code mops.} entries allow. With
 * {@code withPlugin}, {@link FailedConnectionGuard} is added to {@code broker-plugins} (its jar
 * must be in the instance's {@code lib/}).
 *
 * <p>On a cluster of live brokers, the {@value #STATUS_EXCLUSION} an earlier merge put into a
 * {@code cluster-connection}'s {@code address} list is taken out: every broker's status queue gets
 * every node's status through the cluster (docs/adr/0030). A load balancing other than
 * {@code ON_DEMAND} is reported, not changed, and so is a disk limit that is only a percentage.
 *
 * <p>The {@code ${name:default}} placeholders of the blocks are kept: the broker fills them from
 * {@code -D} system properties (its {@code artemis.profile}) or uses the defaults.
 */
public final class BrokerXmlMerge {

    /** Namespace of the {@code <core>} element of broker.xml. */
    static final String CORE_NS = "urn:activemq:core";
    /** Sections whose marked block an existing broker needs. */
    static final List<String> SECTIONS = List.of("security-settings", "address-settings", "addresses");
    /** The security setting of the management address the node and operator roles are added to. */
    static final String MANAGEMENT_MATCH = "activemq.management.#";
    /** Permissions on the management address that {@code ./mailgrid status} needs. */
    static final List<String> MANAGEMENT_PERMISSIONS = List.of("send", "manage");
    /** The administrator role Mailgrid's own broker.xml names (the distribution's default). */
    static final String ADMIN_ROLE = "amq";
    /** The setting that makes management messages obey the {@code mops.} security settings. */
    static final String RBAC_ELEMENT = "management-message-rbac";
    /** The disk limit Mailgrid's broker.xml uses instead of Artemis's percentage. */
    static final String MIN_DISK_FREE = "min-disk-free";

    /**
     * The cluster connection's address entry an earlier merge added to keep each broker's status queue
     * to itself; a merge now takes it out (docs/adr/0030).
     */
    static final String STATUS_EXCLUSION = "!mailgrid.status";
    private static final String OLD_EXCLUSION_COMMENT = "<!-- mailgrid: each broker keeps its own status queue";
    private static final Pattern CLUSTER_CONNECTION = Pattern.compile("(?s)<cluster-connection\\b[^>]*>(.*?)</cluster-connection>");
    private static final Pattern CLUSTER_ADDRESS = Pattern.compile("<address>([^<]*)</address>");
    private static final Pattern LOAD_BALANCING = Pattern.compile("<message-load-balancing>\\s*([A-Z_]+)\\s*</message-load-balancing>");
    private static final String BEGIN = "<!-- mailgrid:begin";
    private static final String END = "<!-- mailgrid:end -->";
    private static final String PLUGIN_LINE = "<broker-plugin class-name=\"" + FailedConnectionGuard.class.getName() + "\"/>";

    private final String mailgrid;

    private BrokerXmlMerge(String mailgrid) {
        this.mailgrid = mailgrid;
    }

    /** A merge taking the marked blocks from this broker.xml (normally broker-config/broker.xml). */
    public static BrokerXmlMerge from(Path mailgridBrokerXml) throws IOException {
        String text = Files.readString(mailgridBrokerXml, StandardCharsets.UTF_8);
        for (String section : SECTIONS) {
            block(text, section, mailgridBrokerXml);
        }
        return new BrokerXmlMerge(text);
    }

    /**
     * The result of a merge.
     *
     * @param text  the merged broker.xml
     * @param notes what the operator still has to do by hand (empty when nothing)
     */
    public record Result(String text, List<String> notes) {
    }

    /**
     * The target broker.xml with Mailgrid's blocks merged in.
     *
     * @param target     the existing broker's broker.xml
     * @param withPlugin also enable {@link FailedConnectionGuard}
     * @throws IOException if a file cannot be read, or the target or the result is not a broker.xml
     */
    public Result merge(Path target, boolean withPlugin) throws IOException {
        String text = Files.readString(target, StandardCharsets.UTF_8);
        requireBrokerXml(text, target.toString());
        List<String> notes = new ArrayList<>();
        List<String> admins = administratorRoles(text, notes);
        if (Pattern.compile("<security-setting\\s+match=\"mops\\.#\"").matcher(withoutComments(withoutBlocks(text))).find()) {
            notes.add("your broker.xml has its own <security-setting match=\"mops.#\">; Mailgrid's block adds one too"
                    + " (the later one counts): check that every role that needs management operations is in Mailgrid's");
        }
        for (String section : SECTIONS) {
            String block = block(mailgrid, section, Path.of("broker-config/broker.xml"));
            text = putBlock(text, section, section.equals("security-settings") ? withAdministrators(block, admins) : block);
        }
        text = grantManagement(text, notes);
        text = enableManagementRbac(text, notes);
        text = clusterConnections(text, notes);
        noteClusterWithoutVote(text, notes);
        noteDiskLimit(text, notes);
        if (withPlugin) {
            text = addPlugin(text);
        }
        requireBrokerXml(text, "the merged " + target);
        return new Result(text, notes);
    }

    /** Merges into the file itself; the first time, the original is kept beside it as {@code <name>.before-mailgrid}. */
    public Result mergeInPlace(Path target, boolean withPlugin) throws IOException {
        Result result = merge(target, withPlugin);
        Path backup = backupOf(target);
        if (!Files.exists(backup)) {
            Files.copy(target, backup);
        }
        Files.writeString(target, result.text(), StandardCharsets.UTF_8);
        return result;
    }

    /** Where {@link #mergeInPlace} keeps the original file. */
    public static Path backupOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".before-mailgrid");
    }

    /** The marked block of a section of Mailgrid's broker.xml, whole lines from the begin marker to the end marker. */
    private static String block(String text, String section, Path file) throws IOException {
        String shadow = withoutComments(text);
        int[] range = section(shadow, section);
        int begin = range == null ? -1 : text.indexOf(BEGIN, range[0]);
        int end = begin < 0 ? -1 : text.indexOf(END, begin);
        if (begin < 0 || end < 0 || end > range[1]) {
            throw new IOException(file + ": no " + BEGIN + " ... " + END + " block in <" + section + ">");
        }
        return text.substring(lineStart(text, begin), lineEnd(text, end));
    }

    private static String putBlock(String text, String section, String block) {
        String shadow = withoutComments(text);
        int[] range = section(shadow, section);
        if (range == null) {
            int coreEnd = shadow.indexOf("</core>");
            int at = lineStart(text, coreEnd);
            String indent = text.substring(at, coreEnd);
            return text.substring(0, at) + indent + "   <" + section + ">\n" + block + indent + "   </" + section + ">\n"
                    + text.substring(at);
        }
        int begin = text.indexOf(BEGIN, range[0]);
        if (begin >= 0 && begin < range[1]) {
            int end = text.indexOf(END, begin);
            return text.substring(0, lineStart(text, begin)) + block + text.substring(lineEnd(text, end));
        }
        int close = range[1];
        int at = lineStart(text, close);
        if (!text.substring(at, close).isBlank()) {
            return text.substring(0, close) + "\n" + block + text.substring(close);
        }
        return text.substring(0, at) + block + text.substring(at);
    }

    /** The roles with {@code manage} on the target's management entry, before Mailgrid's roles; {@code amq} if none. */
    private static List<String> administratorRoles(String text, List<String> notes) {
        String shadow = withoutComments(text);
        int[] entry = managementEntry(shadow);
        List<String> admins = new ArrayList<>();
        if (entry != null) {
            Matcher manage = Pattern.compile("<permission\\b[^>]*\\btype=\"manage\"[^>]*>").matcher(shadow.substring(entry[0], entry[1]));
            if (manage.find()) {
                Matcher roles = Pattern.compile("roles=\"([^\"]*)\"").matcher(manage.group());
                if (roles.find()) {
                    for (String role : roles.group(1).split(",")) {
                        String name = role.trim();
                        if (!name.isEmpty() && !name.equals(EmbeddedBroker.NODE_ROLE) && !name.equals(EmbeddedBroker.OPERATOR_ROLE)) {
                            admins.add(name);
                        }
                    }
                }
            }
        }
        if (admins.isEmpty()) {
            notes.add("no administrator role found (a role with manage on " + MANAGEMENT_MATCH + "): Mailgrid's entries name "
                    + ADMIN_ROLE + " as the administrator; replace it with yours in the mailgrid:begin block of security-settings");
            admins.add(ADMIN_ROLE);
        }
        return admins;
    }

    /** The security block with the target's administrator roles wherever Mailgrid's names {@code amq}. */
    private static String withAdministrators(String block, List<String> admins) {
        Matcher roles = Pattern.compile("roles=\"([^\"]*)\"").matcher(block);
        StringBuilder out = new StringBuilder();
        while (roles.find()) {
            List<String> names = new ArrayList<>();
            for (String role : roles.group(1).split(",")) {
                for (String name : role.trim().equals(ADMIN_ROLE) ? admins : List.of(role.trim())) {
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                }
            }
            roles.appendReplacement(out, Matcher.quoteReplacement("roles=\"" + String.join(",", names) + "\""));
        }
        roles.appendTail(out);
        return out.toString();
    }

    /** Start and end of the body of the target's management entry, outside comments; null if it has none. */
    private static int[] managementEntry(String shadow) {
        int[] security = section(shadow, "security-settings");
        Matcher entry = Pattern.compile("<security-setting\\s+match=\"" + Pattern.quote(MANAGEMENT_MATCH) + "\"\\s*>")
                .matcher(shadow);
        if (security == null || !entry.find(security[0]) || entry.start() > security[1]) {
            return null;
        }
        return new int[] {entry.end(), shadow.indexOf("</security-setting>", entry.end())};
    }

    private static String grantManagement(String text, List<String> notes) {
        int[] entry = managementEntry(withoutComments(text));
        if (entry == null) {
            notes.add("no <security-setting match=\"" + MANAGEMENT_MATCH + "\"> found: give the roles "
                    + EmbeddedBroker.NODE_ROLE + " and " + EmbeddedBroker.OPERATOR_ROLE + " the permissions " + MANAGEMENT_PERMISSIONS
                    + " on the address activemq.management in the entry that covers it, for ./mailgrid status");
            return text;
        }
        String body = text.substring(entry[0], entry[1]);
        for (String type : MANAGEMENT_PERMISSIONS) {
            body = addRole(body, type, EmbeddedBroker.NODE_ROLE);
            body = addRole(body, type, EmbeddedBroker.OPERATOR_ROLE);
        }
        return text.substring(0, entry[0]) + body + text.substring(entry[1]);
    }

    /** Turns on management-message-rbac: changes a {@code false}, or adds the element before {@code security-settings}. */
    private static String enableManagementRbac(String text, List<String> notes) {
        String shadow = withoutComments(text);
        Matcher prefix = Pattern.compile("<management-rbac-prefix>\\s*([^<\\s]+)\\s*</management-rbac-prefix>").matcher(shadow);
        if (prefix.find() && !prefix.group(1).equals("mops")) {
            notes.add("your broker sets management-rbac-prefix to " + prefix.group(1) + ": rename the mops. entries of Mailgrid's"
                    + " security block to " + prefix.group(1) + ".");
        }
        Matcher existing = Pattern.compile("<" + RBAC_ELEMENT + ">\\s*(\\w+)\\s*</" + RBAC_ELEMENT + ">").matcher(shadow);
        if (existing.find()) {
            if (existing.group(1).equals("true")) {
                return text;
            }
            notes.add(RBAC_ELEMENT + " was " + existing.group(1) + " and is now true: management operations need the view or edit"
                    + " permission of their mops.<resource>.<operation> entry; your administrator roles have both on mops.#");
            return text.substring(0, existing.start(1)) + "true" + text.substring(existing.end(1));
        }
        // beside security-settings, which the merge has made sure exists
        Matcher security = Pattern.compile("<security-settings(\\s[^>]*)?>").matcher(shadow);
        security.find();
        int before = security.start();
        int at = lineStart(text, before);
        String element = "<" + RBAC_ELEMENT + ">true</" + RBAC_ELEMENT + ">";
        if (!text.substring(at, before).isBlank()) {
            return text.substring(0, before) + element + text.substring(before);
        }
        return text.substring(0, at) + text.substring(at, before) + element + "\n" + text.substring(at);
    }

    /** Adds a role to one permission of an entry's body (or adds the permission). */
    private static String addRole(String body, String type, String role) {
        Matcher permission = Pattern.compile("<permission\\b[^>]*\\btype=\"" + type + "\"[^>]*>").matcher(withoutComments(body));
        if (!permission.find()) {
            int last = body.lastIndexOf("<permission");
            String indent = last < 0 ? "   " : body.substring(lineStart(body, last), last);
            int at = lineStart(body, body.length());
            return body.substring(0, at) + indent + "<permission type=\"" + type + "\" roles=\"" + role
                    + "\"/>\n" + body.substring(at);
        }
        String tag = body.substring(permission.start(), permission.end());
        Matcher roles = Pattern.compile("roles=\"([^\"]*)\"").matcher(tag);
        if (!roles.find()) {
            return body;
        }
        for (String name : roles.group(1).split(",")) {
            if (name.trim().equals(role)) {
                return body;
            }
        }
        String granted = roles.group(1).isBlank() ? role : roles.group(1) + "," + role;
        String newTag = tag.substring(0, roles.start(1)) + granted + tag.substring(roles.end(1));
        return body.substring(0, permission.start()) + newTag + body.substring(permission.end());
    }

    private static String addPlugin(String text) {
        String shadow = withoutComments(text);
        if (shadow.contains(PLUGIN_LINE)) {
            return text;
        }
        int[] plugins = section(shadow, "broker-plugins");
        if (plugins == null) {
            int coreEnd = shadow.indexOf("</core>");
            int at = lineStart(text, coreEnd);
            String indent = text.substring(at, coreEnd) + "   ";
            return text.substring(0, at) + indent + "<broker-plugins>\n" + indent + "   " + PLUGIN_LINE + "\n" + indent
                    + "</broker-plugins>\n" + text.substring(at);
        }
        int at = lineStart(text, plugins[1]);
        String indent = text.substring(at, plugins[1]) + "   ";
        return text.substring(0, at) + indent + PLUGIN_LINE + "\n" + text.substring(at);
    }

    /** Start of a section's content and of its closing tag, outside comments; null if the file has none. */
    private static int[] section(String shadow, String name) {
        Matcher open = Pattern.compile("<" + name + "(\\s[^>]*)?>").matcher(shadow);
        if (!open.find()) {
            return null;
        }
        int close = shadow.indexOf("</" + name + ">", open.end());
        return close < 0 ? null : new int[] {open.end(), close};
    }

    /**
     * Takes {@value #STATUS_EXCLUSION} out of the address list of every cluster connection, where a
     * merge before docs/adr/0030's amendment put it (the status address is clustered now: every
     * broker's status queue gets every node's status; an exclusion left alone in the list goes with
     * its element), and notes a load balancing under which Mailgrid's mail would not move between
     * brokers as docs/adr/0030 says.
     */
    private static String clusterConnections(String text, List<String> notes) {
        String shadow = withoutComments(text);
        StringBuilder merged = new StringBuilder();
        int copied = 0;
        Matcher connection = CLUSTER_CONNECTION.matcher(shadow);
        while (connection.find()) {
            String body = shadow.substring(connection.start(1), connection.end(1));
            Matcher balancing = LOAD_BALANCING.matcher(body);
            if (balancing.find() && !balancing.group(1).equals("ON_DEMAND")) {
                notes.add("a cluster-connection has message-load-balancing " + balancing.group(1) + "; Mailgrid is tested"
                        + " with ON_DEMAND (docs/adr/0030): with OFF or OFF_WITH_REDISTRIBUTION maintenance reaches only"
                        + " nodes on the broker it is sent to, with STRICT mail is sent to brokers where nobody takes it");
            }
            Matcher address = CLUSTER_ADDRESS.matcher(body);
            if (!address.find()) {
                continue;
            }
            List<String> entries = new ArrayList<>(List.of(address.group(1).trim().split("\\s*,\\s*")));
            if (!entries.remove(STATUS_EXCLUSION)) {
                continue;
            }
            if (entries.isEmpty()) {
                // the element and the comment an earlier merge put before it, whole lines
                int from = lineStart(text, connection.start(1) + address.start());
                int comment = text.lastIndexOf(OLD_EXCLUSION_COMMENT, from);
                if (comment >= connection.start(1)) {
                    from = lineStart(text, comment);
                }
                merged.append(text, copied, from);
                copied = lineEnd(text, connection.start(1) + address.end());
            } else {
                merged.append(text, copied, connection.start(1) + address.start(1)).append(String.join(",", entries));
                copied = connection.start(1) + address.end(1);
            }
        }
        return merged.append(text.substring(copied)).toString();
    }

    /**
     * A broker limited only by Artemis's percentage (max-disk-usage, 90 unless set) holds every producer
     * back with tens of gigabytes free on a large disk: SMTP clients then hear 452 and nodes cannot send
     * their heartbeats (docs/adr/0045). Reported, not changed: the disk limit is the whole broker's.
     */
    private static void noteDiskLimit(String text, List<String> notes) {
        String shadow = withoutComments(text);
        if (shadow.contains("<" + MIN_DISK_FREE + ">")) {
            return;
        }
        Matcher usage = Pattern.compile("<max-disk-usage>\\s*(-?\\d+)\\s*</max-disk-usage>").matcher(shadow);
        String percent = usage.find() ? usage.group(1) : "90 (Artemis's default)";
        if (percent.equals("-1")) {
            return; // the administrator turned the limit off on purpose
        }
        notes.add("this broker refuses every new message once its disk is " + percent + " % used (max-disk-usage), however"
                + " many gigabytes are still free: SMTP clients then hear 452 and nodes cannot send their heartbeats;"
                + " Mailgrid's own broker.xml sets <" + MIN_DISK_FREE + ">1GB</" + MIN_DISK_FREE + "> instead (it overrides"
                + " max-disk-usage): add it to <core> if this broker is for Mailgrid");
    }

    /**
     * Notes a broker in a cluster without the replication HA policy: when a replicating backup of
     * another live broker of the cluster loses its live broker, it asks the cluster's live brokers for
     * a quorum vote, and only a broker running the replication HA policy answers (docs/adr/0030).
     */
    private static void noteClusterWithoutVote(String text, List<String> notes) {
        String shadow = withoutComments(text);
        if (!CLUSTER_CONNECTION.matcher(shadow).find()) {
            return;
        }
        int[] haPolicy = section(shadow, "ha-policy");
        if (haPolicy == null || !shadow.substring(haPolicy[0], haPolicy[1]).contains("<replication>")) {
            notes.add("a cluster-connection but no replication ha-policy: this broker cannot answer the quorum vote of a"
                    + " backup in the cluster whose live broker failed (AMQ224090), so that backup stays a backup; create"
                    + " every live broker of a cluster with artemis create --replicated, even without a backup (docs/adr/0030)");
        }
    }

    /** The text without Mailgrid's blocks (from an earlier merge), so searches see only the operator's own entries. */
    private static String withoutBlocks(String shadowOrText) {
        return shadowOrText.replaceAll("(?s)<!-- mailgrid:begin.*?<!-- mailgrid:end -->", "");
    }

    /** The text with every comment blanked out (same length), so searches only see real elements. */
    private static String withoutComments(String text) {
        StringBuilder shadow = new StringBuilder(text);
        int from = 0;
        while (true) {
            int start = text.indexOf("<!--", from);
            if (start < 0) {
                return shadow.toString();
            }
            int end = text.indexOf("-->", start + 4);
            end = end < 0 ? text.length() : end + 3;
            for (int i = start; i < end; i++) {
                if (shadow.charAt(i) != '\n') {
                    shadow.setCharAt(i, ' ');
                }
            }
            from = end;
        }
    }

    private static int lineStart(String text, int index) {
        return text.lastIndexOf('\n', Math.max(0, index - 1)) + 1;
    }

    private static int lineEnd(String text, int index) {
        int newline = text.indexOf('\n', index);
        return newline < 0 ? text.length() : newline + 1;
    }

    private static void requireBrokerXml(String text, String what) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException(what + " is not well-formed XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        boolean hasCore = false;
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            hasCore |= child instanceof Element e && "core".equals(e.getLocalName()) && CORE_NS.equals(e.getNamespaceURI());
        }
        if (!"configuration".equals(root.getLocalName()) || !hasCore) {
            throw new IOException(what + " is not an Artemis broker.xml (no <configuration><core>)");
        }
    }
}
