package ftp.server;

import ftp.server.CommandSpec.Arg;
import ftp.server.CommandSpec.CheckThenWork;
import ftp.server.CommandSpec.LoopCheck;
import ftp.server.CommandSpec.LoopHandler;
import ftp.server.CommandSpec.OnLoop;
import ftp.server.CommandSpec.OnTransfer;
import ftp.server.CommandSpec.OnWorker;
import ftp.server.CommandSpec.Pending;
import ftp.server.CommandSpec.Pool;
import ftp.server.CommandSpec.Runs;
import ftp.server.CommandSpec.WorkerHandler;
import ftp.server.command.DataSetup;
import ftp.server.command.Directories;
import ftp.server.command.FileCommands;
import ftp.server.command.Hashes;
import ftp.server.command.Info;
import ftp.server.command.Listings;
import ftp.server.command.Login;
import ftp.server.command.Security;
import ftp.server.command.Site;
import ftp.server.command.Transfers;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every verb the server knows, with its metadata (see {@link CommandSpec}): the one place that says where a
 * verb runs, what it may do during a transfer or in the waiting room, and what one-shot settings it uses up.
 * Immutable after construction; read by the selector thread.
 */
public final class CommandTable {
    /** Stands for a verb the table does not know: no kind of its own, allowed neither in a transfer nor waiting. */
    static final CommandSpec UNKNOWN = new CommandSpec("", true, Arg.OPTIONAL, new OnLoop((s, a) -> null), Set.of(),
            null, null, false, "");
    private final Map<String, CommandSpec> specs = new HashMap<>(); // looked up for every line
    private final Map<String, CommandSpec> sorted = new TreeMap<>(); // for HELP and the tests

    public CommandTable() {
        // Verbs that work before login (RFC 4217 needs AUTH/PBSZ/PROT there; FEAT/OPTS/HELP let clients probe).
        open("USER", Arg.REQUIRED, loop(Login::user), "USER <sp> username");
        open("PASS", Arg.OPTIONAL, check(Login::pass), "PASS <sp> password");
        put(new CommandSpec("QUIT", false, Arg.NONE, loop(Login::quit), Set.of(), Session::quitAfterTransfer,
                Session::quitDuringAwait, true, "QUIT (close the session)"));
        open("NOOP", Arg.NONE, loop(Info::noop), "NOOP");
        open("SYST", Arg.NONE, loop(Info::syst), "SYST");
        open("FEAT", Arg.NONE, loop(Info::feat), "FEAT (list extensions)");
        open("OPTS", Arg.REQUIRED, loop(Info::opts), "OPTS <sp> UTF8 ON | HASH [MD5] | MLST facts");
        open("HELP", Arg.OPTIONAL, loop((s, a) -> Info.help(this, a)), "HELP [<sp> command]");
        open("AUTH", Arg.REQUIRED, loop(Security::auth), "AUTH <sp> TLS");
        open("PBSZ", Arg.REQUIRED, loop(Security::pbsz), "PBSZ <sp> 0");
        open("PROT", Arg.REQUIRED, loop(Security::prot), "PROT <sp> C|P");
        user("CCC", Arg.NONE, loop(Security::ccc), "CCC (refused: the control connection stays encrypted)");

        user("TYPE", Arg.REQUIRED, loop(Info::type), "TYPE <sp> A|I");
        user("MODE", Arg.REQUIRED, loop(Info::mode), "MODE <sp> S");
        user("STRU", Arg.REQUIRED, loop(Info::stru), "STRU <sp> F");
        // Without a path the session's status (on the loop); with one, a listing on a worker.
        answeredAtOnce(user("STAT", Arg.OPTIONAL, check(Listings::stat), "STAT [<sp> path]"),
                Session::reportTransfer, null);
        user("ALLO", Arg.REQUIRED, check(Transfers::allo), "ALLO <sp> bytes");
        user("REST", Arg.REQUIRED, loop(Transfers::rest), "REST <sp> offset");
        answeredAtOnce(user("ABOR", Arg.NONE, loop(Transfers::abor), "ABOR"), Session::abortTransfer,
                Session::abandonAwait);

        user("PWD", Arg.NONE, loop(Directories::pwd), "PWD");
        alias("XPWD", "PWD");
        user("CWD", Arg.REQUIRED, worker(Directories::cwd), "CWD <sp> path");
        alias("XCWD", "CWD");
        user("CDUP", Arg.NONE, worker(Directories::cdup), "CDUP");
        alias("XCUP", "CDUP");
        user("MKD", Arg.REQUIRED, worker(Directories::mkd), "MKD <sp> path");
        alias("XMKD", "MKD");
        user("RMD", Arg.REQUIRED, worker(Directories::rmd), "RMD <sp> path");
        alias("XRMD", "RMD");
        user("DELE", Arg.REQUIRED, worker(FileCommands::dele), "DELE <sp> path");
        user("RNFR", Arg.REQUIRED, worker(FileCommands::rnfr), "RNFR <sp> path");
        user("RNTO", Arg.REQUIRED, check(FileCommands::rnto), Pending.RNFR, "RNTO <sp> path");
        user("SIZE", Arg.REQUIRED, worker(FileCommands::size), "SIZE <sp> path (TYPE A: the size as sent, files up to 16 MiB)");
        user("MDTM", Arg.REQUIRED, worker(FileCommands::mdtm), "MDTM <sp> path (UTC) | MDTM <sp> YYYYMMDDHHMMSS <sp> path (sets it, like MFMT)");
        user("MFMT", Arg.REQUIRED, worker(FileCommands::mfmt), "MFMT <sp> YYYYMMDDHHMMSS <sp> path (UTC)");
        user("MLST", Arg.OPTIONAL, worker(Listings::mlst), "MLST [<sp> path]");
        user("AVBL", Arg.OPTIONAL, worker(Site::avbl), "AVBL [<sp> path]");
        user("SITE", Arg.REQUIRED, check(Site::site), "SITE <sp> HELP|QUOTA|UPLOADS|UTIME");

        user("PASV", Arg.NONE, loop(DataSetup::pasv), "PASV");
        user("EPSV", Arg.OPTIONAL, loop(DataSetup::epsv), "EPSV [<sp> ALL]");
        user("PORT", Arg.REQUIRED, loop(DataSetup::port), "PORT <sp> h1,h2,h3,h4,p1,p2");
        user("EPRT", Arg.REQUIRED, loop(DataSetup::eprt), "EPRT <sp> |1|address|port|");
        user("LIST", Arg.OPTIONAL, transfer(Listings::list, Pool.WORKERS), "LIST [<sp> path] (times in UTC)");
        user("NLST", Arg.OPTIONAL, transfer(Listings::nlst, Pool.WORKERS), "NLST [<sp> path]");
        user("MLSD", Arg.OPTIONAL, transfer(Listings::mlsd, Pool.WORKERS), "MLSD [<sp> path]");
        user("RETR", Arg.REQUIRED, transfer(Transfers::retr, Pool.TRANSFERS), "RETR <sp> path");
        user("STOR", Arg.REQUIRED, transfer(Transfers::stor, Pool.TRANSFERS), Pending.ALLO, "STOR <sp> path");
        user("APPE", Arg.REQUIRED, transfer(Transfers::appe, Pool.TRANSFERS), Pending.ALLO, "APPE <sp> path");
        user("STOU", Arg.OPTIONAL, transfer(Transfers::stou, Pool.TRANSFERS), Pending.ALLO, "STOU [<sp> name]");
        user("HASH", Arg.REQUIRED, worker(Hashes::hash), Pending.RANG, "HASH <sp> path");
        user("XMD5", Arg.REQUIRED, worker(Hashes::xmd5), "XMD5 <sp> path");
        user("RANG", Arg.REQUIRED, loop(Hashes::rang), "RANG <sp> start <sp> end");
    }

    private static Runs loop(LoopHandler h) {
        return new OnLoop(h);
    }

    private static Runs check(LoopCheck c) {
        return new CheckThenWork(c);
    }

    private static Runs worker(WorkerHandler h) {
        return new OnWorker(h);
    }

    private static Runs transfer(WorkerHandler h, Pool pool) {
        return new OnTransfer(h, pool);
    }

    /** A verb that works before login. */
    private void open(String verb, Arg arg, Runs runs, String help) {
        put(new CommandSpec(verb, false, arg, runs, usedUp(runs), null, null, false, help));
    }

    private CommandSpec user(String verb, Arg arg, Runs runs, String help) {
        return put(new CommandSpec(verb, true, arg, runs, usedUp(runs), null, null, false, help));
    }

    /** A verb whose work uses up {@code also} besides REST. */
    private void user(String verb, Arg arg, Runs runs, Pending also, String help) {
        put(new CommandSpec(verb, true, arg, runs, CommandSpec.restAnd(also), null, null, false, help));
    }

    /** Work that leaves the loop uses up REST; loop commands (TYPE, PASV...) use up nothing. */
    private static Set<Pending> usedUp(Runs runs) {
        return runs.where() == CommandSpec.Where.LOOP ? Set.of() : CommandSpec.restAnd();
    }

    /** {@code s} with what it does at once while a transfer runs and while a command waits for a result. */
    private void answeredAtOnce(CommandSpec s, Consumer<Session> duringTransfer, Consumer<Session> duringAwait) {
        put(new CommandSpec(s.verb(), s.needsLogin(), s.arg(), s.runs(), s.consumes(), duringTransfer, duringAwait,
                s.whileWaiting(), s.help()));
    }

    private void alias(String verb, String of) {
        CommandSpec s = specs.get(of);
        put(new CommandSpec(verb, s.needsLogin(), s.arg(), s.runs(), s.consumes(), s.duringTransfer(),
                s.duringAwait(), s.whileWaiting(), s.help().replaceFirst(of, verb)));
    }

    private CommandSpec put(CommandSpec spec) {
        specs.put(spec.verb(), spec);
        sorted.put(spec.verb(), spec);
        return spec;
    }

    /** The spec for an upper-case verb, or null. */
    public CommandSpec find(String verb) {
        return specs.get(verb);
    }

    public Map<String, CommandSpec> all() {
        return Collections.unmodifiableMap(sorted);
    }
}
