package ftp.server;

import ftp.server.CommandSpec.Pending;
import ftp.server.CommandSpec.Where;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** What the command table says about each verb, and how the one-shot settings follow it. No socket. */
class CommandTableTest {
    private final CommandTable table = new CommandTable();

    @Test
    void onlyAborStatAndQuitAreAnsweredDuringATransferOnlyAborAndQuitDuringAnAwaitAndOnlyQuitInTheWaitingRoom() {
        TreeSet<String> duringTransfer = new TreeSet<>();
        TreeSet<String> duringAwait = new TreeSet<>();
        TreeSet<String> whileWaiting = new TreeSet<>();
        table.all().values().forEach(spec -> {
            if (spec.duringTransfer() != null) {
                duringTransfer.add(spec.verb());
            }
            if (spec.duringAwait() != null) {
                duringAwait.add(spec.verb());
            }
            if (spec.whileWaiting()) {
                whileWaiting.add(spec.verb());
            }
        });
        assertThat(duringTransfer).containsExactly("ABOR", "QUIT", "STAT");
        assertThat(duringAwait).containsExactly("ABOR", "QUIT");
        assertThat(whileWaiting).containsExactly("QUIT");
    }

    @Test
    void eachVerbRunsWhereItsWorkBelongs() {
        Map<String, Where> where = new TreeMap<>();
        table.all().forEach((verb, spec) -> where.put(verb, spec.where()));
        assertThat(where).containsEntry("TYPE", Where.LOOP).containsEntry("PASV", Where.LOOP)
                .containsEntry("REST", Where.LOOP).containsEntry("CWD", Where.WORKER)
                .containsEntry("XCWD", Where.WORKER).containsEntry("ALLO", Where.WORKER)
                .containsEntry("RNTO", Where.WORKER).containsEntry("SITE", Where.WORKER)
                .containsEntry("STAT", Where.WORKER).containsEntry("LIST", Where.TRANSFER)
                .containsEntry("RETR", Where.TRANSFER).containsEntry("STOR", Where.TRANSFER);
        assertThat(table.find("RETR").runs()).isInstanceOf(CommandSpec.OnTransfer.class);
        assertThat(((CommandSpec.OnTransfer) table.find("RETR").runs()).pool()).isEqualTo(CommandSpec.Pool.TRANSFERS);
        assertThat(((CommandSpec.OnTransfer) table.find("LIST").runs()).pool()).isEqualTo(CommandSpec.Pool.WORKERS);
    }

    @Test
    void restIsUsedUpByWorkAlloByUploadsRangByHashAndRnfrKeptOnlyForRnto() {
        TransferOptions o = new TransferOptions();
        o.setRestOffset(100);
        o.setAllocated(4096);
        o.setRange(1, 5);
        assertThat(o.takeFor(table.find("SIZE")).restOffset()).isEqualTo(100);
        TransferOptions.Snapshot afterSize = o.takeFor(table.find("RETR"));
        assertThat(afterSize.restOffset()).as("SIZE used REST up").isZero();
        assertThat(afterSize.allocated()).hasValue(4096);
        assertThat(afterSize.rangeStart()).isEqualTo(1);

        assertThat(o.takeFor(table.find("XMD5")).rangeStart()).as("XMD5 keeps RANG").isEqualTo(1);
        assertThat(o.takeFor(table.find("HASH")).rangeEnd()).isEqualTo(5);
        assertThat(o.takeFor(table.find("HASH")).rangeStart()).as("HASH used RANG up").isEqualTo(-1);
        assertThat(o.takeFor(table.find("APPE")).allocated()).hasValue(4096);
        assertThat(o.takeFor(table.find("STOR")).allocated()).as("APPE used ALLO up").isEqualTo(OptionalLong.empty());

        o.setRenameFrom("/a");
        o.beforeCommand(table.find("RNTO"));
        assertThat(o.takeRenameFrom()).isEqualTo("/a");
        o.setRenameFrom("/b");
        o.beforeCommand(table.find("NOOP"));
        assertThat(o.takeRenameFrom()).as("any other command drops RNFR's target").isNull();
        assertThat(table.find("RNTO").consumes(Pending.RNFR)).isTrue();
        assertThat(table.find("TYPE").consumes()).isEmpty();
    }
}
