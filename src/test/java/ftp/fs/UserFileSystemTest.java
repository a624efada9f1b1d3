package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserFileSystemTest {
    @TempDir
    Path root;

    Path home;
    UserFileSystem fs;

    @BeforeEach
    void setUp() throws IOException {
        home = root.resolve("home").resolve("alice");
        fs = new UserFileSystem(home, Umask.DEFAULT);
    }

    @Test
    void createsTheHomeWithItsBookkeepingFolder() throws IOException {
        assertThat(home.resolve(".upload")).isDirectory();
        assertThat(fs.home()).isEqualTo(home.toRealPath());
    }

    @Test
    void uploadReadListRenameDelete() throws IOException {
        fs.mkdir("/docs");
        OpenedForWrite opened = fs.openWrite("/docs/b.txt", false, true);
        assertThat(opened.created()).isTrue();
        assertThat(opened.sizeBefore()).isZero();
        try (FileChannel channel = opened.channel()) {
            channel.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), 0);
        }
        write("/docs/a.txt", "x");

        assertThat(fs.stat("/docs/b.txt")).satisfies(e -> {
            assertThat(e.name()).isEqualTo("b.txt");
            assertThat(e.size()).isEqualTo(5);
            assertThat(e.directory()).isFalse();
            assertThat(e.symlink()).isFalse();
        });
        assertThat(fs.stat("/").name()).isEqualTo("/");
        assertThat(fs.stat("/").directory()).isTrue();
        assertThat(fs.list("/docs")).extracting(FileEntry::name).containsExactly("a.txt", "b.txt");
        assertThat(read("/docs/b.txt")).isEqualTo("hello");

        OpenedForWrite again = fs.openWrite("/docs/b.txt", false, true);
        again.channel().close();
        assertThat(again.created()).isFalse();
        assertThat(again.sizeBefore()).as("never truncated on open").isEqualTo(5);

        assertThat(fs.rename("/docs/b.txt", "/docs/a.txt").size()).as("the replaced file, for the quota").isEqualTo(1);
        assertThat(read("/docs/a.txt")).isEqualTo("hello");
        assertThat(fs.delete("/docs/a.txt").size()).isEqualTo(5);
        assertThat(fs.list("/docs")).isEmpty();
        fs.rmdir("/docs");
        assertThat(fs.isDirectory("/docs")).isFalse();
    }

    @Test
    void failuresHaveKindsAndNeverShowTheRealPath() throws IOException {
        fs.mkdir("/d");
        write("/d/f", "1");
        expectKind(() -> fs.stat("/missing"), FsException.Kind.NOT_FOUND);
        expectKind(() -> fs.stat("/missing/deeper"), FsException.Kind.NOT_FOUND);
        expectKind(() -> fs.stat("/d/f/deeper"), FsException.Kind.NOT_A_DIRECTORY);
        expectKind(() -> fs.mkdir("/d"), FsException.Kind.EXISTS);
        expectKind(() -> fs.rmdir("/d"), FsException.Kind.NOT_EMPTY);
        expectKind(() -> fs.rmdir("/d/f"), FsException.Kind.NOT_A_DIRECTORY);
        expectKind(() -> fs.delete("/d"), FsException.Kind.IS_A_DIRECTORY);
        expectKind(() -> fs.openRead("/d"), FsException.Kind.IS_A_DIRECTORY);
        expectKind(() -> fs.openWrite("/d", false, true), FsException.Kind.IS_A_DIRECTORY);
        expectKind(() -> fs.openWrite("/d/f", true, true), FsException.Kind.EXISTS);
        expectKind(() -> fs.list("/d/f"), FsException.Kind.NOT_A_DIRECTORY);
        expectKind(() -> fs.rmdir("/"), FsException.Kind.REFUSED);
        expectKind(() -> fs.rename("/d", "/d/inside"), FsException.Kind.REFUSED);
        try {
            fs.stat("/missing");
        } catch (FsException e) {
            assertThat(e.getMessage()).doesNotContain(root.toString()).isEqualTo("No such file or directory");
        }
    }

    @Test
    void anUploadCreatesOnlyWhenAllowedAndIsRemovedOnlyUnderItsOwnName() throws IOException {
        expectKind(() -> fs.openWrite("/new.bin", false, false), FsException.Kind.OVER_QUOTA);
        assertThat(home.resolve("new.bin")).doesNotExist();
        write("/old.bin", "kept");
        OpenedForWrite existing = fs.openWrite("/old.bin", false, false);
        existing.channel().close();
        assertThat(existing.created()).as("an existing file needs no room").isFalse();

        OpenedForWrite opened = fs.openWrite("/up.bin", false, true);
        opened.channel().close();
        assertThat(opened.fileKey()).isNotNull()
                .isEqualTo(Files.readAttributes(home.resolve("up.bin"), BasicFileAttributes.class).fileKey());
        fs.rename("/up.bin", "/kept.bin");
        write("/up.bin", "another file took the name");
        assertThat(fs.deleteIfSame("/up.bin", opened.fileKey())).isNull();
        assertThat(read("/up.bin")).isEqualTo("another file took the name");
        fs.delete("/up.bin");
        Files.createSymbolicLink(home.resolve("up.bin"), Path.of("kept.bin"));
        assertThat(fs.deleteIfSame("/up.bin", opened.fileKey())).as("a link is never our file").isNull();
        assertThat(fs.deleteIfSame("/gone/up.bin", opened.fileKey())).isNull();
        assertThat(fs.deleteIfSame("/kept.bin", opened.fileKey())).isNotNull();
        assertThat(home.resolve("kept.bin")).doesNotExist();
    }

    @Test
    void renameNeverReplacesADirectory() throws IOException {
        fs.mkdir("/dir");
        fs.mkdir("/other");
        write("/file", "1");
        expectKind(() -> fs.rename("/file", "/dir"), FsException.Kind.EXISTS);
        expectKind(() -> fs.rename("/other", "/dir"), FsException.Kind.EXISTS);
        expectKind(() -> fs.rename("/other", "/file"), FsException.Kind.EXISTS);
        fs.rename("/file", "/dir/file");
        assertThat(read("/dir/file")).isEqualTo("1");
        assertThat(fs.rename("/dir/file", "/dir/file")).as("nothing replaced").isNull();
        assertThat(read("/dir/file")).isEqualTo("1");
    }

    /** Creates a directory and any missing parents, one MKD at a time as a client would. */
    private void mkdirs(String vpath) throws FsException {
        String path = Jail.normalized(vpath);
        List<String> chain = new ArrayList<>();
        for (String p = path; !p.equals("/"); p = VirtualPaths.parent(p)) {
            chain.add(0, p);
        }
        for (String p : chain) {
            if (!fs.isDirectory(p)) {
                fs.mkdir(p);
            }
        }
    }

    @Test
    void mkdirsTimesAndUniqueNames() throws IOException {
        mkdirs("/a/b/c");
        mkdirs("/a/b/c");
        assertThat(fs.isDirectory("/a/b/c")).isTrue();
        write("/a/f", "0123456789");
        FileTime when = FileTime.fromMillis(1_000_000_000_000L);
        fs.setModified("/a/f", when);
        assertThat(fs.stat("/a/f").modified()).isEqualTo(when);
        assertThat(fs.uniqueName("/a", "f")).isEqualTo("/a/f.1");
        assertThat(fs.uniqueName("/a", "g")).isEqualTo("/a/g");
        assertThat(fs.uniqueName("/", ".upload")).isEqualTo("/.upload.1");
        OpenedForWrite fresh = fs.openWrite(fs.uniqueName("/a", "f"), true, true);
        fresh.channel().close();
        assertThat(fresh.created()).isTrue();
    }

    @Test
    void bookkeepingIsRefusedToEveryOperationAndHidden() throws IOException {
        Files.writeString(home.resolve(".upload").resolve("rec"), "secret");
        write("/visible", "v");
        String[] paths = {"/.upload", "/.upload/rec", "/.upload/new"};
        for (String p : paths) {
            expectKind(() -> fs.stat(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.list(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.openRead(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.openWrite(p, false, true), FsException.Kind.REFUSED);
            expectKind(() -> fs.delete(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.rmdir(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.mkdir(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.rename(p, "/stolen"), FsException.Kind.REFUSED);
            expectKind(() -> fs.rename("/visible", p), FsException.Kind.REFUSED);
            expectKind(() -> fs.setModified(p, FileTime.fromMillis(0)), FsException.Kind.REFUSED);
            expectKind(() -> fs.isDirectory(p), FsException.Kind.REFUSED);
        }
        assertThat(fs.list("/")).extracting(FileEntry::name).containsExactly("visible");
        assertThat(home.resolve(".upload").resolve("rec")).hasContent("secret");
        assertThat(home.resolve(".upload").resolve("new")).doesNotExist();
    }

    @Test
    void linkIntoTheBookkeepingFolderIsRefused() throws IOException {
        Files.createSymbolicLink(home.resolve("up"), Path.of(".upload"));
        Files.createSymbolicLink(home.resolve("upabs"), home.resolve(".upload").toAbsolutePath());
        expectKind(() -> fs.list("/up"), FsException.Kind.REFUSED);
        expectKind(() -> fs.openWrite("/upabs/x", false, true), FsException.Kind.REFUSED);
        assertThat(fs.list("/")).isEmpty();
    }

    @Test
    void siblingHomeWithTheSamePrefixIsOutside() throws IOException {
        Path sibling = root.resolve("home").resolve("alice2");
        Files.createDirectories(sibling);
        Files.writeString(sibling.resolve("secret"), "alice2's");
        Files.createSymbolicLink(home.resolve("sib"), Path.of("../alice2"));
        Files.createSymbolicLink(home.resolve("sibabs"), sibling.toAbsolutePath());
        Files.createSymbolicLink(home.resolve("sibfile"), Path.of("../alice2/secret"));
        for (String p : new String[] {"/sib/secret", "/sibabs/secret", "/sibfile"}) {
            expectKind(() -> fs.openRead(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.stat(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.openWrite(p, false, true), FsException.Kind.REFUSED);
            expectKind(() -> fs.delete(p), p.equals("/sibfile") ? null : FsException.Kind.REFUSED);
        }
        expectKind(() -> fs.list("/sib"), FsException.Kind.REFUSED);
        expectKind(() -> fs.mkdir("/sib/new"), FsException.Kind.REFUSED);
        assertThat(sibling.resolve("secret")).hasContent("alice2's");
        assertThat(sibling.resolve("new")).doesNotExist();
    }

    @Test
    void linksToSystemFilesAreRefusedAndNotListed() throws IOException {
        Files.createSymbolicLink(home.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(home.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(home.resolve("up"), Path.of("../../../../../../../../../../etc/passwd"));
        for (String p : new String[] {"/etc/passwd", "/passwd", "/up", "/etc/../passwd"}) {
            expectKind(() -> fs.openRead(p), FsException.Kind.REFUSED);
            expectKind(() -> fs.stat(p), FsException.Kind.REFUSED);
        }
        expectKind(() -> fs.list("/etc"), FsException.Kind.REFUSED);
        expectKind(() -> fs.isDirectory("/etc"), FsException.Kind.REFUSED);
        expectKind(() -> fs.setModified("/passwd", FileTime.fromMillis(0)), FsException.Kind.REFUSED);
        expectKind(() -> fs.openWrite("/passwd", false, true), FsException.Kind.REFUSED);
        assertThat(fs.list("/")).isEmpty();
        assertThat(Files.size(Path.of("/etc/passwd"))).isPositive();
    }

    @Test
    void linkInTheMiddleOfAPathToOutsideIsRefused() throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("data"), "outside");
        Files.createDirectories(home.resolve("a"));
        Files.createSymbolicLink(home.resolve("a").resolve("mid"), outside);
        expectKind(() -> fs.openRead("/a/mid/data"), FsException.Kind.REFUSED);
        expectKind(() -> fs.openWrite("/a/mid/new", false, true), FsException.Kind.REFUSED);
        expectKind(() -> fs.mkdir("/a/mid/dir"), FsException.Kind.REFUSED);
        expectKind(() -> fs.delete("/a/mid/data"), FsException.Kind.REFUSED);
        expectKind(() -> fs.rename("/a/mid/data", "/a/stolen"), FsException.Kind.REFUSED);
        assertThat(outside).isDirectoryContaining(p -> p.getFileName().toString().equals("data"));
        try (var listing = Files.list(outside)) {
            assertThat(listing.count()).isEqualTo(1);
        }
    }

    @Test
    void danglingLinkToOutsideNeverCreatesItsTarget() throws IOException {
        Path target = root.resolve("outside-file");
        Files.createSymbolicLink(home.resolve("dangling"), target);
        Files.createSymbolicLink(home.resolve("danglingdir"), root.resolve("outside-dir").resolve("x"));
        expectKind(() -> fs.openWrite("/dangling", false, true), FsException.Kind.REFUSED);
        expectKind(() -> fs.openWrite("/danglingdir", false, true), FsException.Kind.REFUSED);
        expectKind(() -> mkdirs("/danglingdir/y"), FsException.Kind.REFUSED);
        expectKind(() -> fs.openWrite("/dangling", true, true), FsException.Kind.EXISTS);
        assertThat(target).doesNotExist();
        assertThat(root.resolve("outside-dir")).doesNotExist();
        assertThat(fs.delete("/dangling").isSymbolicLink()).as("removing the link itself is fine").isTrue();
        assertThat(home.resolve("dangling")).doesNotExist();
    }

    @Test
    void deletingALinkToOutsideRemovesOnlyTheLink() throws IOException {
        Path outsideFile = Files.writeString(root.resolve("keep"), "keep");
        Files.createSymbolicLink(home.resolve("l"), outsideFile);
        fs.delete("/l");
        assertThat(outsideFile).hasContent("keep");
    }

    @Test
    void linksInsideTheHomeAreFollowed() throws IOException {
        mkdirs("/real/sub");
        write("/real/sub/file", "inside");
        Files.createSymbolicLink(home.resolve("rel"), Path.of("real/sub"));
        Files.createSymbolicLink(home.resolve("abs"), home.resolve("real").toAbsolutePath());
        Files.createSymbolicLink(home.resolve("real").resolve("up"), Path.of("../real/sub/file"));
        Files.createSymbolicLink(home.resolve("ghost"), Path.of("real/new-file"));
        assertThat(read("/rel/file")).isEqualTo("inside");
        assertThat(read("/abs/sub/file")).isEqualTo("inside");
        assertThat(read("/real/up")).isEqualTo("inside");
        assertThat(fs.stat("/real/up").symlink()).isTrue();
        assertThat(fs.stat("/real/up").name()).isEqualTo("up");
        assertThat(fs.stat("/real/up").size()).isEqualTo(6);
        assertThat(fs.isDirectory("/rel")).isTrue();
        assertThat(fs.list("/")).extracting(FileEntry::name).containsExactly("abs", "real", "rel");
        assertThat(fs.list("/")).filteredOn(FileEntry::symlink).extracting(FileEntry::name)
                .containsExactly("abs", "rel");
        fs.openWrite("/ghost", false, true).channel().close();
        assertThat(home.resolve("real").resolve("new-file")).exists();
    }

    @Test
    void linkLoopsAreRefused() throws IOException {
        Files.createSymbolicLink(home.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(home.resolve("b"), Path.of("a"));
        Files.createSymbolicLink(home.resolve("self"), Path.of("."));
        expectKind(() -> fs.stat("/a"), FsException.Kind.REFUSED);
        assertThat(fs.isDirectory("/self/self/self")).isTrue();
        expectKind(() -> fs.stat("/" + "self/".repeat(60)), FsException.Kind.REFUSED);
    }

    @Test
    void namesNoCommandCouldUseAreNotListed() throws IOException {
        Files.writeString(home.resolve("evil\r\n226 ok"), "x");
        Files.writeString(home.resolve("fine"), "x");
        assertThat(fs.list("/")).extracting(FileEntry::name).containsExactly("fine");
    }

    @Test
    void deepTreesWalkOneSegmentAtATime() throws IOException {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            path.append("/d");
        }
        Path bottom = Files.createDirectories(home.resolve(path.substring(1)));
        try {
            write(path + "/leaf", "deep");
            assertThat(read(path + "/leaf")).isEqualTo("deep");
            assertThat(fs.list(path.toString())).extracting(FileEntry::name).containsExactly("leaf");
        } finally {
            Files.deleteIfExists(bottom.resolve("leaf"));
            deleteChain(bottom, home);
        }
    }

    /**
     * Removes a deep chain of empty directories bottom-up. JUnit's own clean-up resolves every path it
     * deletes, which takes minutes at this depth.
     */
    static void deleteChain(Path bottom, Path above) throws IOException {
        for (Path p = bottom; !p.equals(above); p = p.getParent()) {
            Files.delete(p);
        }
    }

    @Test
    void swappingADirectoryForALinkNeverReadsOutside() throws Exception {
        Path sub = home.resolve("sub");
        Path parked = home.resolve("parked");
        Files.createDirectories(sub);
        Files.writeString(sub.resolve("passwd"), "jail copy");
        String realPasswd = Files.readString(Path.of("/etc/passwd"));
        long[] counts = new long[2];
        AtomicReference<IOException> swapFailure = new AtomicReference<>();
        Thread swapper = new Thread(() -> {
            long end = System.nanoTime() + 1_000_000_000L;
            try {
                while (System.nanoTime() < end) {
                    Files.move(sub, parked);
                    Files.createSymbolicLink(sub, Path.of("/etc"));
                    Files.delete(sub);
                    Files.move(parked, sub);
                }
            } catch (IOException e) {
                swapFailure.set(e);
            }
        });
        swapper.start();
        try {
            readUntilDone(swapper, realPasswd, counts);
        } finally {
            swapper.join();
        }
        assertThat(swapFailure.get()).isNull();
        assertThat(counts[0]).as("reads of the jail's own file").isPositive();
        assertThat(counts[1]).as("refused while the link was in place").isPositive();
    }

    private void readUntilDone(Thread swapper, String realPasswd, long[] counts) throws IOException {
        while (swapper.isAlive()) {
            try {
                String content = read("/sub/passwd");
                assertThat(content).isEqualTo("jail copy").isNotEqualTo(realPasswd);
                counts[0]++;
            } catch (FsException e) {
                assertThat(e.kind()).isIn(FsException.Kind.REFUSED, FsException.Kind.NOT_FOUND);
                counts[1]++;
            }
        }
    }

    @Test
    void swappingADirectoryForALinkNeverWritesOutside() throws Exception {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Path sub = home.resolve("sub");
        Path parked = home.resolve("parked");
        Files.createDirectories(sub);
        AtomicReference<IOException> swapFailure = new AtomicReference<>();
        Thread swapper = new Thread(() -> {
            long end = System.nanoTime() + 500_000_000L;
            try {
                while (System.nanoTime() < end) {
                    Files.move(sub, parked);
                    Files.createSymbolicLink(sub, outside);
                    Files.delete(sub);
                    Files.move(parked, sub);
                }
            } catch (IOException e) {
                swapFailure.set(e);
            }
        });
        swapper.start();
        try {
            writeUntilDone(swapper);
        } finally {
            swapper.join();
        }
        assertThat(swapFailure.get()).isNull();
        try (var listing = Files.list(outside)) {
            assertThat(listing.toList()).isEmpty();
        }
    }

    private void writeUntilDone(Thread swapper) throws IOException {
        while (swapper.isAlive()) {
            try {
                fs.openWrite("/sub/f", false, true).channel().close();
                fs.delete("/sub/f");
            } catch (FsException e) {
                assertThat(e.kind()).isIn(FsException.Kind.REFUSED, FsException.Kind.NOT_FOUND);
            }
            try {
                fs.mkdir("/sub/d");
                fs.rmdir("/sub/d");
            } catch (FsException e) {
                // EXISTS: an earlier rmdir met the link and was refused, leaving the directory
                assertThat(e.kind()).isIn(FsException.Kind.REFUSED, FsException.Kind.NOT_FOUND,
                        FsException.Kind.EXISTS);
            }
        }
    }

    private void write(String vpath, String text) throws IOException {
        try (FileChannel channel = fs.openWrite(vpath, false, true).channel()) {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        }
    }

    private String read(String vpath) throws IOException {
        try (FileChannel channel = fs.openRead(vpath)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // fill
            }
            return new String(buffer.array(), StandardCharsets.UTF_8);
        }
    }

    /** Expects an FsException of {@code kind}, or success when kind is null. */
    private static void expectKind(ThrowingCallable call, FsException.Kind kind) {
        if (kind == null) {
            try {
                call.call();
            } catch (Throwable t) {
                throw new AssertionError("expected success", t);
            }
            return;
        }
        assertThatThrownBy(call).isInstanceOfSatisfying(FsException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }
}
