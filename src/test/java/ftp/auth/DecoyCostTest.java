package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecoyCostTest {
    private static final int OLD = 1000;
    private static final int RAISED = 3000;
    private static final int NAMES = 2000;

    @TempDir
    Path dir;

    private AccountStore store(int... costs) {
        AccountStore store = new AccountStore(dir.resolve("accounts.ini"), OptionalLong.empty(), OptionalLong.empty());
        for (int i = 0; i < costs.length; i++) {
            store.add("user" + i, "pw".toCharArray(), null, costs[i]);
        }
        return store;
    }

    private static Map<String, Integer> costs(DecoyCost decoy) {
        Map<String, Integer> costs = new HashMap<>();
        IntStream.range(0, NAMES).forEach(i -> costs.put("nobody" + i, decoy.iterationsFor("nobody" + i)));
        return costs;
    }

    @Test
    void withoutAccountsTheConfiguredCostAndWithOneCostThatCost() {
        assertThat(new DecoyCost(store(), RAISED).iterationsFor("nobody")).isEqualTo(RAISED);

        DecoyCost decoy = new DecoyCost(store(OLD, OLD, OLD), RAISED);

        assertThat(costs(decoy).values()).as("not the raised setting: no account has it yet").containsOnly(OLD);
        assertThat(decoy.iterationsFor(null)).isEqualTo(OLD);
    }

    @Test
    void unknownNamesSpreadOverTheCostsAsTheAccountsDoAndEachNameKeepsItsCost() {
        DecoyCost decoy = new DecoyCost(store(OLD, OLD, OLD, RAISED), RAISED);

        Map<String, Integer> first = costs(decoy);

        assertThat(first.values()).containsOnly(OLD, RAISED);
        long raised = first.values().stream().filter(c -> c == RAISED).count();
        // One account in four: about 500 of 2000 names, with a standard deviation of about 19.
        assertThat(raised).as("names at the raised cost").isBetween(400L, 600L);
        assertThat(costs(decoy)).as("asked again").isEqualTo(first);
    }

    @Test
    void asAccountsMoveToTheRaisedCostUnknownNamesMoveOneWayToo() {
        AccountStore store = store(OLD, OLD, OLD, RAISED);
        DecoyCost decoy = new DecoyCost(store, RAISED);
        Map<String, Integer> before = costs(decoy);

        store.setPassword("user0", "pw".toCharArray(), RAISED); // user0 logged in and was hashed again

        Map<String, Integer> after = costs(decoy);
        assertThat(before.keySet()).allMatch(n -> before.get(n) == OLD || after.get(n) == RAISED);
        long moved = before.keySet().stream().filter(n -> !before.get(n).equals(after.get(n))).count();
        assertThat(moved).as("about a quarter of the names, like one account of four").isBetween(400L, 600L);
    }
}
