package ftp.client;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The shell's commands that change or describe the remote tree: {@code mkdir} (with missing parents),
 * {@code rmdir}, {@code remove}, {@code rename}, and {@code quota}. Main thread.
 */
final class RemoteFileCommands {
    private RemoteFileCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("mkdir", List.of(), "p", "r", 1, 1, RemoteFileCommands::makeDirectory),
                new ShellCommand("rmdir", "r", 1, 1, RemoteFileCommands::removeDirectory),
                new ShellCommand("remove", List.of("rm", "delete"), "", "r", 1, 1, RemoteFileCommands::removeFile),
                new ShellCommand("rename", List.of("mv"), "", "r", 2, 2, RemoteFileCommands::rename),
                new ShellCommand("quota", "", 0, 0, RemoteFileCommands::quota));
    }

    /**
     * Like {@code mkdir -p}: an existing directory is fine, missing parents are made first ({@code -p} is taken
     * too, for hands used to the shell's).
     */
    private static boolean makeDirectory(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String path = s.resolve(Flags.of(args).operands().get(0));
        try {
            client.mkd(path);
            s.say("mkdir.ok");
            return true;
        } catch (FtpReplyException first) {
            if (s.isRemoteDirectory(client, path)) {
                s.say("mkdir.exists", RemotePath.display(s.home(), path));
                return true;
            }
            StringBuilder prefix = new StringBuilder();
            for (String part : path.substring(1).split("/")) {
                prefix.append('/').append(part);
                String dir = prefix.toString();
                if (!s.isRemoteDirectory(client, dir)) {
                    try {
                        client.mkd(dir);
                    } catch (FtpReplyException e) {
                        s.refused("mkdir.failed", e, args.get(0));
                        return false;
                    }
                }
            }
            s.say("mkdir.ok");
            return true;
        }
    }

    private static boolean removeDirectory(ShellSession s, List<String> args) throws IOException {
        try {
            s.remote().rmd(s.resolve(args.get(0)));
        } catch (FtpReplyException e) {
            s.refused("rmdir.failed", e, args.get(0));
            return false;
        }
        s.say("rmdir.ok");
        return true;
    }

    private static boolean removeFile(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String path = s.resolve(args.get(0));
        try {
            client.dele(path);
        } catch (FtpReplyException e) {
            if (e.reply().code() == 550 && s.isRemoteDirectory(client, path)) {
                s.fail("remove.folder", args.get(0));
            } else {
                s.refused("remove.failed", e, args.get(0));
            }
            return false;
        }
        s.say("remove.ok");
        return true;
    }

    private static boolean rename(ShellSession s, List<String> args) throws IOException {
        try {
            s.remote().rename(s.resolve(args.get(0)), s.resolve(args.get(1)));
        } catch (FtpReplyException e) {
            s.refused("rename.failed", e, args.get(0));
            return false;
        }
        s.say("rename.ok");
        return true;
    }

    /** {@code SITE QUOTA}; a server without it may still say what is free ({@code AVBL}). */
    private static boolean quota(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        try {
            QuotaReport q = client.quota();
            String unlimited = s.messages().get("quota.unlimited");
            s.say("quota.report", SizeFormat.size(q.used()),
                    q.limit().isPresent() ? SizeFormat.size(q.limit().getAsLong()) : unlimited,
                    q.free().isPresent() ? SizeFormat.size(q.free().getAsLong()) : unlimited);
            if (q.files().isPresent()) {
                s.say("quota.files", Long.toString(q.files().getAsLong()),
                        q.filesLimit().isPresent() ? Long.toString(q.filesLimit().getAsLong()) : unlimited);
            }
            return true;
        } catch (FtpReplyException e) {
            OptionalLong free = client.available("");
            if (free.isPresent()) {
                s.say("quota.free", s.space(free.getAsLong()));
                return true;
            }
            s.refused("quota.unsupported", e);
            return false;
        }
    }
}
