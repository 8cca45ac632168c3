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
 * is replaced, so merging twice gives the same file. The node role {@value EmbeddedBroker#NODE_ROLE}
 * is added to the {@code send} and {@code manage} permissions of the target's
 * {@code activemq.management.#} entry ({@code ./mailgrid status} uses management messages); no
 * other entry of the target is touched. With {@code withPlugin}, {@link FailedConnectionGuard} is
 * added to {@code broker-plugins} (its jar must be in the instance's {@code lib/}).
 *
 * <p>The {@code ${name:default}} placeholders of the blocks are kept: the broker fills them from
 * {@code -D} system properties (its {@code artemis.profile}) or uses the defaults.
 */
public final class BrokerXmlMerge {

    /** Namespace of the {@code <core>} element of broker.xml. */
    static final String CORE_NS = "urn:activemq:core";
    /** Sections whose marked block an existing broker needs. */
    static final List<String> SECTIONS = List.of("security-settings", "address-settings", "addresses");
    /** The security setting of the management address the node role is added to. */
    static final String MANAGEMENT_MATCH = "activemq.management.#";
    /** Permissions on the management address that {@code ./mailgrid status} needs. */
    static final List<String> MANAGEMENT_PERMISSIONS = List.of("send", "manage");

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
        for (String section : SECTIONS) {
            text = putBlock(text, section, block(mailgrid, section, Path.of("broker-config/broker.xml")));
        }
        text = grantManagement(text, notes);
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

    private static String grantManagement(String text, List<String> notes) {
        String shadow = withoutComments(text);
        int[] security = section(shadow, "security-settings");
        Matcher entry = Pattern.compile("<security-setting\\s+match=\"" + Pattern.quote(MANAGEMENT_MATCH) + "\"\\s*>")
                .matcher(shadow);
        if (security == null || !entry.find(security[0]) || entry.start() > security[1]) {
            notes.add("no <security-setting match=\"" + MANAGEMENT_MATCH + "\"> found: give the role "
                    + EmbeddedBroker.NODE_ROLE + " the permissions " + MANAGEMENT_PERMISSIONS
                    + " on the address activemq.management in the entry that covers it, for ./mailgrid status");
            return text;
        }
        int start = entry.end();
        int end = shadow.indexOf("</security-setting>", start);
        String body = text.substring(start, end);
        for (String type : MANAGEMENT_PERMISSIONS) {
            body = addRole(body, type);
        }
        return text.substring(0, start) + body + text.substring(end);
    }

    /** Adds the node role to one permission of an entry's body (or adds the permission). */
    private static String addRole(String body, String type) {
        Matcher permission = Pattern.compile("<permission\\b[^>]*\\btype=\"" + type + "\"[^>]*>").matcher(withoutComments(body));
        if (!permission.find()) {
            int last = body.lastIndexOf("<permission");
            String indent = last < 0 ? "   " : body.substring(lineStart(body, last), last);
            int at = lineStart(body, body.length());
            return body.substring(0, at) + indent + "<permission type=\"" + type + "\" roles=\"" + EmbeddedBroker.NODE_ROLE
                    + "\"/>\n" + body.substring(at);
        }
        String tag = body.substring(permission.start(), permission.end());
        Matcher roles = Pattern.compile("roles=\"([^\"]*)\"").matcher(tag);
        if (!roles.find()) {
            return body;
        }
        for (String role : roles.group(1).split(",")) {
            if (role.trim().equals(EmbeddedBroker.NODE_ROLE)) {
                return body;
            }
        }
        String granted = roles.group(1).isBlank() ? EmbeddedBroker.NODE_ROLE : roles.group(1) + "," + EmbeddedBroker.NODE_ROLE;
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
