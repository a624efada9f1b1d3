package ftp.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Opening a regular file by name below a directory handle so that nothing else put in its place (a FIFO, a
 * socket, a device) can hold the thread, and setting a file's time through the open channel.
 *
 * <p>The JDK cannot open with {@code O_NONBLOCK}, and a read-only open of a FIFO waits for a writer, forever
 * if none comes: a FIFO swapped in between our look at a name and the open would hold a worker in the kernel.
 * On Linux a read-write open of a FIFO returns at once (fifo(7)); a socket fails to open (ENXIO); device nodes
 * take root to make. So every open here is read-write, and the handle it gives must then be seekable, which no
 * FIFO, socket or terminal is; callers read and write by position (pread, pwrite, sendfile with an offset),
 * which fail at once on those. The price: a file the server's account may not write is refused like any other
 * permission failure, and a download shows in inotify as a close after write.
 *
 * <p>Stateless; blocking (on the disk only): worker threads only.
 */
final class RegularFiles {
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");
    private static final Path OWN_DESCRIPTOR_INFO = Path.of("/proc/self/fdinfo");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<OpenOption> READ_WRITE =
            Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);

    private RegularFiles() {}

    /** Opens the existing {@code name} in {@code dir}; a FIFO, socket or terminal in its place is REFUSED. */
    static FileChannel open(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        return seekable(dir.newByteChannel(name, READ_WRITE));
    }

    /** Creates {@code name} in {@code dir} with {@code mode}; EXISTS (FileAlreadyExistsException) if it is there. */
    static FileChannel create(SecureDirectoryStream<Path> dir, Path name, FileAttribute<?> mode) throws IOException {
        return seekable(dir.newByteChannel(name, CREATE_NEW, mode));
    }

    /**
     * Sets the modification time of the file {@code channel} holds, whatever its name has become. The JDK sets
     * times only by name, opening the name read-only to do so, which a FIFO put there would block. The kernel
     * names each open descriptor in /proc/self/fd but the JDK does not tell the channel's number, so it is
     * found by a mark: the channel moves to a random position that no other descriptor of this process holds,
     * and /proc/self/fdinfo shows which descriptor is there. Linux only, like the rest of the jail.
     */
    static void setModified(FileChannel channel, FileTime time) throws IOException {
        long mark = (1L << 31) + RANDOM.nextInt(Integer.MAX_VALUE); // below 4 GiB: every file system takes it
        channel.position(mark);
        Path own = ownDescriptor("pos:\t" + mark + "\n");
        Files.setLastModifiedTime(own, time);
    }

    private static FileChannel seekable(SeekableByteChannel opened) throws IOException {
        try {
            if (opened instanceof FileChannel file) {
                file.position(); // lseek: ESPIPE on a pipe, a socket or a terminal
                return file;
            }
        } catch (IOException notSeekable) {
            opened.close();
            throw new FsException(FsException.Kind.REFUSED, notSeekable);
        }
        opened.close();
        throw new FsException(FsException.Kind.IO);
    }

    /** The /proc/self/fd entry of the one descriptor whose fdinfo holds {@code line}. */
    private static Path ownDescriptor(String line) throws IOException {
        try (DirectoryStream<Path> infos = Files.newDirectoryStream(OWN_DESCRIPTOR_INFO)) {
            for (Path info : infos) {
                String text;
                try {
                    text = Files.readString(info);
                } catch (IOException closedMeanwhile) {
                    continue; // another thread's descriptor, gone since the listing
                }
                if (text.startsWith(line)) {
                    return OWN_DESCRIPTORS.resolve(info.getFileName());
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        throw new FsException(FsException.Kind.IO);
    }
}
