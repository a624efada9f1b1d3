package ftp.server;

import ftp.server.CommandSpec.Arg;
import ftp.server.CommandSpec.Handler;
import ftp.server.command.DataSetup;
import ftp.server.command.Directories;
import ftp.server.command.FileCommands;
import ftp.server.command.Info;
import ftp.server.command.Listings;
import ftp.server.command.Login;
import ftp.server.command.Security;
import ftp.server.command.Site;
import ftp.server.command.Transfers;
import ftp.server.command.Hashes;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every verb the server knows, with its metadata (see {@link CommandSpec}). Immutable after construction;
 * read by the selector thread.
 */
public final class CommandTable {
    /** Verbs that work before login (RFC 4217 needs AUTH/PBSZ/PROT there; FEAT/OPTS/HELP let clients probe). */
    private final Map<String, CommandSpec> specs = new TreeMap<>();

    public CommandTable() {
        open("USER", Arg.REQUIRED, (CommandSpec.LoopHandler) Login::user, "USER <sp> username");
        open("PASS", Arg.OPTIONAL, (CommandSpec.LoopHandler) Login::pass, "PASS <sp> password");
        open("QUIT", Arg.NONE, (CommandSpec.LoopHandler) Login::quit, "QUIT (close the session)");
        open("NOOP", Arg.NONE, (CommandSpec.LoopHandler) Info::noop, "NOOP");
        open("SYST", Arg.NONE, (CommandSpec.LoopHandler) Info::syst, "SYST");
        open("FEAT", Arg.NONE, (CommandSpec.LoopHandler) Info::feat, "FEAT (list extensions)");
        open("OPTS", Arg.REQUIRED, (CommandSpec.LoopHandler) Info::opts, "OPTS <sp> UTF8 ON | HASH [MD5] | MLST facts");
        open("HELP", Arg.OPTIONAL, (CommandSpec.LoopHandler) (s, a) -> Info.help(this, a), "HELP [<sp> command]");
        open("AUTH", Arg.REQUIRED, (CommandSpec.LoopHandler) Security::auth, "AUTH <sp> TLS");
        open("PBSZ", Arg.REQUIRED, (CommandSpec.LoopHandler) Security::pbsz, "PBSZ <sp> 0");
        open("PROT", Arg.REQUIRED, (CommandSpec.LoopHandler) Security::prot, "PROT <sp> C|P");
        user("CCC", Arg.NONE, (CommandSpec.LoopHandler) Security::ccc, "CCC (refused: the control connection stays encrypted)");

        user("TYPE", Arg.REQUIRED, (CommandSpec.LoopHandler) Info::type, "TYPE <sp> A|I");
        user("MODE", Arg.REQUIRED, (CommandSpec.LoopHandler) Info::mode, "MODE <sp> S");
        user("STRU", Arg.REQUIRED, (CommandSpec.LoopHandler) Info::stru, "STRU <sp> F");
        user("STAT", Arg.OPTIONAL, (CommandSpec.LoopHandler) Listings::stat, "STAT [<sp> path]");
        user("ALLO", Arg.REQUIRED, (CommandSpec.LoopHandler) Transfers::allo, "ALLO <sp> bytes");
        user("REST", Arg.REQUIRED, (CommandSpec.LoopHandler) Transfers::rest, "REST <sp> offset");
        user("ABOR", Arg.NONE, (CommandSpec.LoopHandler) Transfers::abor, "ABOR");

        user("PWD", Arg.NONE, (CommandSpec.LoopHandler) Directories::pwd, "PWD");
        alias("XPWD", "PWD");
        user("CWD", Arg.REQUIRED, (CommandSpec.WorkerHandler) Directories::cwd, "CWD <sp> path");
        alias("XCWD", "CWD");
        user("CDUP", Arg.NONE, (CommandSpec.WorkerHandler) Directories::cdup, "CDUP");
        alias("XCUP", "CDUP");
        user("MKD", Arg.REQUIRED, (CommandSpec.WorkerHandler) Directories::mkd, "MKD <sp> path");
        alias("XMKD", "MKD");
        user("RMD", Arg.REQUIRED, (CommandSpec.WorkerHandler) Directories::rmd, "RMD <sp> path");
        alias("XRMD", "RMD");
        user("DELE", Arg.REQUIRED, (CommandSpec.WorkerHandler) FileCommands::dele, "DELE <sp> path");
        user("RNFR", Arg.REQUIRED, (CommandSpec.WorkerHandler) FileCommands::rnfr, "RNFR <sp> path");
        user("RNTO", Arg.REQUIRED, (CommandSpec.LoopHandler) FileCommands::rnto, "RNTO <sp> path");
        user("SIZE", Arg.REQUIRED, (CommandSpec.WorkerHandler) FileCommands::size, "SIZE <sp> path (TYPE A: the size as sent, files up to 16 MiB)");
        user("MDTM", Arg.REQUIRED, (CommandSpec.WorkerHandler) FileCommands::mdtm, "MDTM <sp> path (UTC) | MDTM <sp> YYYYMMDDHHMMSS <sp> path (sets it, like MFMT)");
        user("MFMT", Arg.REQUIRED, (CommandSpec.WorkerHandler) FileCommands::mfmt, "MFMT <sp> YYYYMMDDHHMMSS <sp> path (UTC)");
        user("MLST", Arg.OPTIONAL, (CommandSpec.WorkerHandler) Listings::mlst, "MLST [<sp> path]");
        user("AVBL", Arg.OPTIONAL, (CommandSpec.WorkerHandler) Site::avbl, "AVBL [<sp> path]");
        user("SITE", Arg.REQUIRED, (CommandSpec.LoopHandler) Site::site, "SITE <sp> HELP|QUOTA|UPLOADS|UTIME");

        user("PASV", Arg.NONE, (CommandSpec.LoopHandler) DataSetup::pasv, "PASV");
        user("EPSV", Arg.OPTIONAL, (CommandSpec.LoopHandler) DataSetup::epsv, "EPSV [<sp> ALL]");
        user("PORT", Arg.REQUIRED, (CommandSpec.LoopHandler) DataSetup::port, "PORT <sp> h1,h2,h3,h4,p1,p2");
        user("EPRT", Arg.REQUIRED, (CommandSpec.LoopHandler) DataSetup::eprt, "EPRT <sp> |1|address|port|");
        user("LIST", Arg.OPTIONAL, (CommandSpec.TransferHandler) Listings::list, "LIST [<sp> path] (times in UTC)");
        user("NLST", Arg.OPTIONAL, (CommandSpec.TransferHandler) Listings::nlst, "NLST [<sp> path]");
        user("MLSD", Arg.OPTIONAL, (CommandSpec.TransferHandler) Listings::mlsd, "MLSD [<sp> path]");
        bulk("RETR", Arg.REQUIRED, Transfers::retr, "RETR <sp> path");
        bulk("STOR", Arg.REQUIRED, Transfers::stor, "STOR <sp> path");
        bulk("APPE", Arg.REQUIRED, Transfers::appe, "APPE <sp> path");
        bulk("STOU", Arg.OPTIONAL, Transfers::stou, "STOU [<sp> name]");
        user("HASH", Arg.REQUIRED, (CommandSpec.WorkerHandler) Hashes::hash, "HASH <sp> path");
        user("XMD5", Arg.REQUIRED, (CommandSpec.WorkerHandler) Hashes::xmd5, "XMD5 <sp> path");
        user("RANG", Arg.REQUIRED, (CommandSpec.LoopHandler) Hashes::rang, "RANG <sp> start <sp> end");
    }

    private void open(String verb, Arg arg, Handler handler, String help) {
        specs.put(verb, new CommandSpec(verb, false, arg, handler, help));
    }

    private void user(String verb, Arg arg, Handler handler, String help) {
        specs.put(verb, new CommandSpec(verb, true, arg, handler, help));
    }

    /** A file transfer: may run for hours, so it goes to the transfer pool. */
    private void bulk(String verb, Arg arg, CommandSpec.TransferHandler handler, String help) {
        specs.put(verb, new CommandSpec(verb, true, arg, handler, help, true));
    }

    private void alias(String verb, String of) {
        CommandSpec s = specs.get(of);
        specs.put(verb, new CommandSpec(verb, s.needsLogin(), s.arg(), s.handler(), s.help().replaceFirst(of, verb)));
    }

    /** The spec for an upper-case verb, or null. */
    public CommandSpec find(String verb) {
        return specs.get(verb);
    }

    public Map<String, CommandSpec> all() {
        return Collections.unmodifiableMap(specs);
    }
}
