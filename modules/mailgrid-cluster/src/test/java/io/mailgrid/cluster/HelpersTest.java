package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Rendezvous choice of helpers: the same everywhere, stable when one node comes or goes, evenly spread. */
class HelpersTest {

    private static List<String> nodes(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "node-" + i).toList();
    }

    private static final List<String> MAILBOXES = IntStream.range(0, 2000).mapToObj(i -> "mailbox-" + i).toList();

    @Test
    void everyNodeShouldChooseTheSameHelpersWhateverOrderItKnowsThePeersIn() {
        List<String> shuffled = new ArrayList<>(nodes(30));
        Collections.shuffle(shuffled, new java.util.Random(7));

        for (String mailbox : MAILBOXES.subList(0, 100)) {
            assertThat(Helpers.choose(mailbox, shuffled, 2)).isEqualTo(Helpers.choose(mailbox, nodes(30), 2));
        }
    }

    @Test
    void addingOneNodeShouldMoveOnlyAboutOneInNOfTheHelperAssignments() {
        List<String> thirty = nodes(30);
        List<String> thirtyOne = nodes(31);

        long moved = MAILBOXES.stream().mapToLong(m -> Helpers.choose(m, thirtyOne, 2).stream()
                .filter(helper -> !Helpers.choose(m, thirty, 2).contains(helper)).count()).sum();

        // 2 helpers x 2000 mailboxes = 4000 assignments; the newcomer takes 1 in 31 of them (about 129)
        assertThat(moved).isBetween(80L, 190L);
        assertThat(MAILBOXES.stream().flatMap(m -> Helpers.choose(m, thirtyOne, 2).stream())
                .filter("node-31"::equals).count()).as("only the newcomer gains").isEqualTo(moved);
    }

    @Test
    void removingOneNodeShouldMoveOnlyTheAssignmentsItHeld() {
        List<String> thirty = nodes(30);
        List<String> withoutSeven = thirty.stream().filter(n -> !n.equals("node-7")).toList();

        for (String mailbox : MAILBOXES) {
            List<String> before = Helpers.choose(mailbox, thirty, 2);
            List<String> after = Helpers.choose(mailbox, withoutSeven, 2);
            if (!before.contains("node-7")) {
                assertThat(after).as(mailbox).isEqualTo(before);
            } else {
                assertThat(after).as(mailbox).containsAll(before.stream().filter(n -> !n.equals("node-7")).toList());
            }
        }
    }

    @Test
    void helpingShouldBeSpreadEvenlyOverTheNodes() {
        Map<String, Integer> load = new HashMap<>();
        MAILBOXES.forEach(m -> Helpers.choose(m, nodes(20), 2).forEach(h -> load.merge(h, 1, Integer::sum)));

        // 4000 assignments over 20 nodes: 200 each on average
        assertThat(load).hasSize(20);
        assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(150, 250));
    }

    @Test
    void zeroOrMoreHelpersThanCandidatesShouldChooseEveryCandidate() {
        assertThat(Helpers.choose("a", List.of("b", "c"), 0)).containsExactlyInAnyOrder("b", "c");
        assertThat(Helpers.choose("a", List.of("b", "c"), 5)).containsExactlyInAnyOrder("b", "c");
        assertThat(Helpers.choose("a", List.of(), 2)).isEmpty();
    }
}
