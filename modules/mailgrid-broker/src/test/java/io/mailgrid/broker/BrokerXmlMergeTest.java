package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestHome;

/** Merging Mailgrid's entries into an existing broker's broker.xml. */
class BrokerXmlMergeTest {

    @TempDir
    Path dir;

    private final Path ours = TestHome.path().resolve("broker-config/broker.xml");

    @Test
    void mergeShouldAddEveryMailgridEntryAndKeepTheBrokersOwn() throws Exception {
        Document merged = xml(BrokerXmlMerge.from(ours).merge(target(), false).text());

        assertThat(attributes(merged, "address", "name")).contains("DLQ", Queues.QUARANTINE, Queues.DLQ, Queues.HEARTBEAT,
                Queues.STATUS, Queues.CONTROL);
        assertThat(attributes(merged, "address-setting", "match")).contains("#", Queues.PREFIX + "#",
                Queues.PREFIX + "mailbox.#", Queues.PREFIX + "outbound.#", Queues.DLQ);
        assertThat(attributes(merged, "security-setting", "match")).contains("#", "orders.#", Queues.PREFIX + "#");
        assertThat(attributes(merged, "acceptor", "name")).containsExactly("artemis");
        assertThat(merged.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, "broker-plugins").getLength()).isZero();
        assertThat(merged.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, "security-settings").getLength()).isOne();
    }

    @Test
    void theManagementAddressShouldGainTheNodeAndOperatorRolesAndLoseNothing() throws Exception {
        Document merged = xml(BrokerXmlMerge.from(ours).merge(target(), false).text());

        Element management = entry(merged, "security-setting", "match", "activemq.management.#");
        // what each may do there is checked per operation (management-message-rbac, the mops.* entries)
        assertThat(roles(management, "manage")).isEqualTo("admin,mailgrid,mailgrid-operator");
        assertThat(roles(management, "send")).isEqualTo("admin,mailgrid,mailgrid-operator");
        assertThat(roles(management, "consume")).as("Mailgrid grants its roles no consume here").isEqualTo("admin");
        assertThat(roles(management, "createAddress")).isEqualTo("admin");
        assertThat(roles(entry(merged, "security-setting", "match", "#"), "send"))
                .as("the broker's catch-all is left alone").isEqualTo("admin");
    }

    @Test
    void mergingTwiceShouldNotRepeatARoleOnTheManagementAddress() throws Exception {
        Path target = target();
        Files.writeString(target, BrokerXmlMerge.from(ours).merge(target, false).text());

        Document merged = xml(BrokerXmlMerge.from(ours).merge(target, false).text());

        Element management = entry(merged, "security-setting", "match", "activemq.management.#");
        assertThat(roles(management, "manage")).isEqualTo("admin,mailgrid,mailgrid-operator");
        assertThat(roles(management, "send")).isEqualTo("admin,mailgrid,mailgrid-operator");
    }

    @Test
    void managementOperationsShouldBeCheckedPerOperationAndTheAdministratorShouldKeepThemAll() throws Exception {
        BrokerXmlMerge.Result result = BrokerXmlMerge.from(ours).merge(target(), false);
        Document merged = xml(result.text());

        NodeList rbac = merged.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, BrokerXmlMerge.RBAC_ELEMENT);
        assertThat(rbac.getLength()).isOne();
        assertThat(rbac.item(0).getTextContent()).isEqualTo("true");
        // the target's administrator is "admin", not the distribution's default "amq"
        Element everything = entry(merged, "security-setting", "match", "mops.#");
        assertThat(roles(everything, "view")).isEqualTo("admin");
        assertThat(roles(everything, "edit")).isEqualTo("admin");
        assertThat(roles(entry(merged, "security-setting", "match", "mops.broker.listConsumers"), "view"))
                .isEqualTo("mailgrid-operator,admin");
        assertThat(roles(entry(merged, "security-setting", "match", Queues.QUARANTINE), "consume")).isEqualTo("mailgrid-operator,admin");
        assertThat(result.text()).doesNotContainPattern("roles=\"[^\"]*\\bamq\\b");
        assertThat(result.notes()).noneMatch(note -> note.contains("mops") || note.contains("administrator"));
    }

    @Test
    void managementRbacThatWasOffShouldBeTurnedOnWithANote() throws Exception {
        Path target = target();
        Files.writeString(target, Files.readString(target).replace("<persistence-enabled>true</persistence-enabled>",
                "<persistence-enabled>true</persistence-enabled>\n      <management-message-rbac>false</management-message-rbac>"));

        BrokerXmlMerge.Result result = BrokerXmlMerge.from(ours).merge(target, false);

        assertThat(result.text()).contains("<management-message-rbac>true</management-message-rbac>")
                .doesNotContain("<management-message-rbac>false");
        assertThat(xml(result.text()).getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, BrokerXmlMerge.RBAC_ELEMENT).getLength()).isOne();
        assertThat(result.notes()).filteredOn(note -> note.contains("management-message-rbac")).singleElement().asString()
                .contains("management-message-rbac was false");
    }

    @Test
    void mergingTwiceShouldGiveTheSameFileAndKeepTheOriginalOnce() throws Exception {
        Path target = target();
        String original = Files.readString(target);
        BrokerXmlMerge merge = BrokerXmlMerge.from(ours);

        merge.mergeInPlace(target, true);
        Path backup = BrokerXmlMerge.backupOf(target);
        String once = Files.readString(target);
        merge.mergeInPlace(target, true);

        assertThat(Files.readString(target)).isEqualTo(once);
        assertThat(Files.readString(backup)).isEqualTo(original);
        assertThat(attributes(xml(once), "broker-plugin", "class-name")).containsExactly(FailedConnectionGuard.class.getName());
        assertThat(once).contains("${mailgrid.redelivery.max-attempts:5}").startsWith(original.substring(0, original.indexOf("<security-settings>")));
    }

    @Test
    void theMergedFileShouldBootAnEmbeddedBrokerWithMailgridsAddresses() throws Exception {
        Path target = target();
        // the distribution's acceptor on a free port, as an operator's own broker would have it
        Files.writeString(target, Files.readString(target).replace("tcp://0.0.0.0:61616?protocols=CORE,AMQP",
                "tcp://127.0.0.1:${mailgrid.broker.port:61616}"));
        BrokerXmlMerge.from(ours).mergeInPlace(target, false);
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(),
                Map.of(BrokerSettingsCatalog.BROKER_CONFIG, target.toString()));

        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("data"))) {
            assertThat(broker.server().getAddressSettingsRepository().getMatch(Queues.mailbox("a")).getDeadLetterAddress()
                    .toString()).isEqualTo(Queues.DLQ);
            assertThat(broker.server().getAddressInfo(org.apache.activemq.artemis.api.core.SimpleString.of(Queues.STATUS))).isNotNull();
        }
    }

    @Test
    void everythingOutsideTheMailgridBlocksShouldStayByteForByte() throws Exception {
        Path target = target();
        String original = Files.readString(target);

        String merged = BrokerXmlMerge.from(ours).merge(target, false).text();

        String withoutBlocks = merged.replaceAll("(?s)[ \\t]*<!-- mailgrid:begin.*?<!-- mailgrid:end -->\\n", "")
                .replace("roles=\"admin,mailgrid,mailgrid-operator\"", "roles=\"admin\"")
                .replace("      <management-message-rbac>true</management-message-rbac>\n", "");
        assertThat(withoutBlocks).isEqualTo(original);
    }

    @Test
    void aBrokerWithoutAManagementEntryShouldGetANoteSayingWhatToGrant() throws Exception {
        Path target = target();
        Files.writeString(target, Files.readString(target).replace("activemq.management.#", "something.else.#"));

        BrokerXmlMerge.Result result = BrokerXmlMerge.from(ours).merge(target, false);

        assertThat(result.notes()).filteredOn(note -> !note.contains("min-disk-free")).hasSize(2)
                .anySatisfy(note -> assertThat(note).contains("activemq.management")
                .contains("mailgrid-operator")).anySatisfy(note -> assertThat(note).contains("no administrator role"));
    }

    @Test
    void aFileThatIsNotABrokerXmlShouldBeRefusedWithItsName() throws Exception {
        Path other = Files.writeString(dir.resolve("pom.xml"), "<project/>");

        assertThatThrownBy(() -> BrokerXmlMerge.from(ours).merge(other, false))
                .isInstanceOf(IOException.class).hasMessageContaining("pom.xml").hasMessageContaining("not an Artemis broker.xml");
    }

    @Test
    void aClusterConnectionShouldCarryTheStatusAddressAgainAndNoteAnotherLoadBalancing() throws Exception {
        Path target = target();
        // what artemis create --clustered --staticCluster writes, with a load balancing of the operator's choice, after
        // a merge that kept the status address out of the cluster (each broker's status queue then knew only its nodes)
        Files.writeString(target, Files.readString(target).replace("   </core>", """
                      <cluster-connections>
                         <cluster-connection name="my-cluster">
                            <!-- mailgrid: each broker keeps its own status queue (docs/adr/0030) -->
                            <address>!mailgrid.status</address>
                            <connector-ref>artemis</connector-ref>
                            <message-load-balancing>STRICT</message-load-balancing>
                            <max-hops>1</max-hops>
                            <static-connectors><connector-ref>node0</connector-ref></static-connectors>
                         </cluster-connection>
                         <cluster-connection name="orders">
                            <address>orders,!mailgrid.status</address>
                            <connector-ref>artemis</connector-ref>
                         </cluster-connection>
                      </cluster-connections>
                   </core>"""));

        BrokerXmlMerge.Result result = BrokerXmlMerge.from(ours).merge(target, false);
        Document merged = xml(result.text());

        List<String> addresses = new java.util.ArrayList<>();
        var connections = merged.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, "cluster-connection");
        for (int i = 0; i < connections.getLength(); i++) {
            var address = ((Element) connections.item(i)).getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, "address");
            addresses.add(address.getLength() == 0 ? "(every address)" : address.item(0).getTextContent());
        }
        assertThat(addresses).containsExactly("(every address)", "orders");
        assertThat(result.text()).doesNotContain("each broker keeps its own status queue");
        assertThat(result.notes()).anySatisfy(note -> assertThat(note).contains("STRICT").contains("ON_DEMAND"));

        Files.writeString(target, result.text());
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).text()).as("a second merge changes nothing").isEqualTo(result.text());
    }

    @Test
    void aClusterConnectionOnABrokerWithoutTheReplicationHaPolicyShouldBeNotedInOneLine() throws Exception {
        Path target = target();
        // what artemis create --clustered writes without --replicated: a live broker that cannot vote for a backup
        String clustered = Files.readString(target).replace("   </core>", """
                      <cluster-connections>
                         <cluster-connection name="my-cluster">
                            <connector-ref>artemis</connector-ref>
                            <message-load-balancing>ON_DEMAND</message-load-balancing>
                            <static-connectors><connector-ref>node0</connector-ref></static-connectors>
                         </cluster-connection>
                      </cluster-connections>
                   </core>""");
        Files.writeString(target, clustered);

        List<String> notes = BrokerXmlMerge.from(ours).merge(target, false).notes();

        assertThat(notes).filteredOn(note -> note.contains("ha-policy")).singleElement().satisfies(note -> assertThat(note)
                .contains("quorum vote", "--replicated", "docs/adr/0030").doesNotContain("\n"));

        // with the replication HA policy (artemis create --clustered --replicated) there is nothing to say
        Files.writeString(target, clustered.replace("</core>", "<ha-policy><replication><primary/></replication></ha-policy></core>"));
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).notes()).noneMatch(note -> note.contains("ha-policy"));
        // nor on a broker that is not in a cluster
        Files.writeString(target, clustered.replaceAll("(?s)<cluster-connections>.*</cluster-connections>", ""));
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).notes()).noneMatch(note -> note.contains("ha-policy"));
    }

    @Test
    void aBrokerLimitedOnlyByAPercentageOfItsDiskShouldGetANoteNamingMinDiskFreeAndKeepItsSetting() throws Exception {
        Path target = target();
        String distribution = Files.readString(target);

        BrokerXmlMerge.Result result = BrokerXmlMerge.from(ours).merge(target, false);
        assertThat(result.notes()).filteredOn(note -> note.contains("min-disk-free")).singleElement().satisfies(note ->
                assertThat(note).contains("90 (Artemis's default) % used", "<min-disk-free>1GB</min-disk-free>").doesNotContain("\n"));
        assertThat(result.text()).doesNotContain("<min-disk-free>");

        Files.writeString(target, distribution.replace("</core>", "<max-disk-usage>95</max-disk-usage></core>"));
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).notes()).anyMatch(note -> note.contains("95 % used"));

        // an administrator who set a floor, or turned the limit off, hears nothing
        Files.writeString(target, distribution.replace("</core>", "<min-disk-free>5GB</min-disk-free></core>"));
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).notes()).noneMatch(note -> note.contains("min-disk-free"));
        Files.writeString(target, distribution.replace("</core>", "<max-disk-usage>-1</max-disk-usage></core>"));
        assertThat(BrokerXmlMerge.from(ours).merge(target, false).notes()).noneMatch(note -> note.contains("min-disk-free"));
    }

    private Path target() throws IOException {
        Path target = dir.resolve("broker.xml");
        try (var in = getClass().getResourceAsStream("/distribution-broker.xml")) {
            Files.copy(in, target);
        }
        return target;
    }

    private static Document xml(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
    }

    private static List<String> attributes(Document doc, String element, String attribute) {
        NodeList nodes = doc.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, element);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(((Element) nodes.item(i)).getAttribute(attribute));
        }
        return values;
    }

    private static Element entry(Document doc, String element, String attribute, String value) {
        NodeList nodes = doc.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, element);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (((Element) nodes.item(i)).getAttribute(attribute).equals(value)) {
                return (Element) nodes.item(i);
            }
        }
        throw new AssertionError("no " + element + " " + attribute + "=" + value);
    }

    private static String roles(Element securitySetting, String type) {
        NodeList permissions = securitySetting.getElementsByTagNameNS(BrokerXmlMerge.CORE_NS, "permission");
        for (int i = 0; i < permissions.getLength(); i++) {
            Element permission = (Element) permissions.item(i);
            if (permission.getAttribute("type").equals(type)) {
                return permission.getAttribute("roles");
            }
        }
        return null;
    }
}
