package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuotaLedgerTest {
    @TempDir
    Path root;

    @Test
    void reservesUpToTheLimitAndNoFurther() {
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(100), OptionalLong.empty());
        assertThat(ledger.tryReserve(60)).isTrue();
        assertThat(ledger.tryReserve(41)).isFalse();
        assertThat(ledger.used()).isEqualTo(60);
        assertThat(ledger.tryReserve(40)).isTrue();
        assertThat(ledger.available()).isZero();
        ledger.release(30);
        assertThat(ledger.available()).isEqualTo(30);
        ledger.adjust(-1000);
        assertThat(ledger.used()).as("never below zero").isZero();
    }

    @Test
    void unlimitedAlwaysReservesAndAChangedLimitAppliesAtOnce() {
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.empty(), OptionalLong.empty());
        assertThat(ledger.tryReserve(Long.MAX_VALUE / 2)).isTrue();
        assertThat(ledger.available()).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.limit()).isEmpty();
        ledger.setLimits(OptionalLong.of(10), OptionalLong.empty());
        assertThat(ledger.available()).as("over the new limit: nothing, not negative").isZero();
        assertThat(ledger.tryReserve(1)).isFalse();
        ledger.setLimits(OptionalLong.empty(), OptionalLong.empty());
        assertThat(ledger.tryReserve(1)).isTrue();
    }

    @Test
    void concurrentReservationsNeverPassTheLimit() throws Exception {
        long limit = 5000;
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(limit), OptionalLong.empty());
        AtomicLong granted = new AtomicLong();
        AtomicLong highest = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (ledger.tryReserve(7)) {
                        granted.addAndGet(7);
                        highest.accumulateAndGet(ledger.used(), Math::max);
                        if (i % 3 == 0) {
                            ledger.release(7);
                            granted.addAndGet(-7);
                        }
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(highest.get()).isLessThanOrEqualTo(limit);
        assertThat(ledger.used()).isEqualTo(granted.get()).isLessThanOrEqualTo(limit);
        assertThat(ledger.used()).isGreaterThan(limit - 7);
    }

    @Test
    void recomputePricesFilesAndFoldersButNotBookkeepingOrLinks() throws Exception {
        Path home = root.resolve("egon");
        new UserFileSystem(home, Umask.DEFAULT);
        Files.write(home.resolve("a"), new byte[100]);
        Files.createDirectories(home.resolve("d/e"));
        Files.write(home.resolve("d/e/b"), new byte[23]);
        Files.write(home.resolve(".upload/record"), new byte[1000]);
        Path outside = Files.write(root.resolve("big"), new byte[5000]);
        Files.createSymbolicLink(home.resolve("link"), outside);
        Files.createSymbolicLink(home.resolve("linkdir"), root);
        Files.write(home.resolve("big"), new byte[5000]);
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(1000), OptionalLong.of(10));
        ledger.recompute(home);
        // a (100 bytes) and d/e/b (23) cost a block each, big its size, the folders d and d/e a block each.
        assertThat(ledger.used()).isEqualTo(4 * QuotaLedger.BLOCK + 5000);
        assertThat(ledger.files()).isEqualTo(5);
    }

    @Test
    void recomputeHandlesDeepAndBushyTreesWithFewHandles() throws Exception {
        Path home = root.resolve("deep");
        Path chain = home;
        for (int i = 0; i < 2000; i++) {
            chain = chain.resolve("d");
        }
        Files.createDirectories(chain);
        Files.write(chain.resolve("leaf"), new byte[7]);
        // A branch at every level of the first 300, so the walk must come back to levels it had closed.
        Path level = home;
        for (int i = 0; i < 300; i++) {
            Files.createDirectories(level.resolve("side"));
            Files.write(level.resolve("side").resolve("f"), new byte[1]);
            level = level.resolve("d");
        }
        try {
            // 2000 chained folders, 300 side folders, and 301 tiny files: a block each.
            assertThat(HomeUsage.measure(home))
                    .isEqualTo(new HomeUsage.Usage((2000 + 300 + 301) * QuotaLedger.BLOCK, 2000 + 300 + 301));
        } finally {
            Files.delete(chain.resolve("leaf"));
            level = home;
            for (int i = 0; i < 300; i++) {
                Files.delete(level.resolve("side").resolve("f"));
                Files.delete(level.resolve("side"));
                level = level.resolve("d");
            }
            UserFileSystemTest.deleteChain(chain, home);
        }
    }

    @Test
    void registryMeasuresOnceAndSharesTheLedger() throws Exception {
        Path home = root.resolve("ly");
        Files.createDirectories(home);
        Files.write(home.resolve("f"), new byte[10]);
        QuotaRegistry registry = new QuotaRegistry(Runnable::run);
        QuotaLedger first = registry.ledgerFor("ly", home, OptionalLong.of(10_000), OptionalLong.of(9)).join();
        assertThat(first.used()).isEqualTo(QuotaLedger.BLOCK);
        first.tryReserve(5);
        QuotaLedger second = registry.ledgerFor("ly", home, OptionalLong.of(5000), OptionalLong.of(3)).join();
        assertThat(second).isSameAs(first);
        assertThat(second.used()).as("not measured again").isEqualTo(QuotaLedger.BLOCK + 5);
        assertThat(second.limit()).hasValue(5000);
        assertThat(second.fileLimit()).hasValue(3);
    }

    @Test
    void foldersCostABlockAndCountAgainstTheFileLimit() throws Exception {
        Path home = root.resolve("dirs");
        UserFileSystem fs = new UserFileSystem(home, Umask.DEFAULT);
        QuotaLedger ledger = new QuotaLedger("dirs", OptionalLong.of(3 * QuotaLedger.BLOCK), OptionalLong.of(2));
        assertThat(ledger.tryCreateFolder(() -> {
            fs.mkdir("/a");
            return null;
        })).isTrue();
        assertThatThrownBy(() -> ledger.tryCreateFolder(() -> {
            fs.mkdir("/a");
            return null;
        })).isInstanceOf(FsException.class);
        assertThat(ledger.files()).as("a failed create gives its charge back").isEqualTo(1);
        assertThat(ledger.tryCreateFolder(() -> {
            fs.mkdir("/b");
            return null;
        })).isTrue();
        assertThat(ledger.tryCreateFolder(() -> {
            throw new AssertionError("not run past the file limit");
        })).isFalse();
        assertThat(ledger.used()).isEqualTo(2 * QuotaLedger.BLOCK);
        ledger.remove(() -> fs.rmdir("/b"));
        assertThat(ledger.files()).isEqualTo(1);
        assertThat(ledger.used()).isEqualTo(QuotaLedger.BLOCK);
        assertMatchesDisk(ledger, home);
    }

    @Test
    void anUploadIsChargedThroughItsHandleWhateverBecomesOfItsName() throws Exception {
        Path home = root.resolve("up");
        UserFileSystem fs = new UserFileSystem(home, Umask.DEFAULT);
        QuotaLedger ledger = new QuotaLedger("up", OptionalLong.of(100_000), OptionalLong.empty());
        try (ChargedFile file = ledger.openForUpload(mayCreate -> fs.openWrite("/up.bin", false, mayCreate))) {
            assertThat(ledger.used()).as("a new file costs a block at once").isEqualTo(QuotaLedger.BLOCK);
            assertThat(file.tryGrowTo(60_000)).isTrue();
            file.channel().write(ByteBuffer.wrap(new byte[60_000]), 0);
            fs.rename("/up.bin", "/kept.bin");
            Files.createSymbolicLink(home.resolve("up.bin"), Path.of("kept.bin"));
            assertThat(file.tryGrowTo(120_000)).as("past the limit").isFalse();
            assertThatThrownBy(() -> ledger.openForUpload(mayCreate -> fs.openWrite("/kept.bin", false, mayCreate)))
                    .as("one upload at a time writes a file")
                    .isInstanceOfSatisfying(FsException.class,
                            e -> assertThat(e.kind()).isEqualTo(FsException.Kind.BUSY));
            file.truncate(0);
            assertThat(ledger.used()).as("only what the truncation freed is given back").isEqualTo(QuotaLedger.BLOCK);
            ledger.remove(() -> fs.deleteIfSame("/up.bin", file.fileKey()));
            assertThat(home.resolve("up.bin")).as("the link is not the upload's file").isSymbolicLink();
        }
        assertThat(Files.size(home.resolve("kept.bin"))).isZero();
        assertMatchesDisk(ledger, home);
    }

    @Test
    void aFileRemovedWhileAnUploadWritesItIsReleasedWhenTheUploadClosesIt() throws Exception {
        Path home = root.resolve("del");
        UserFileSystem fs = new UserFileSystem(home, Umask.DEFAULT);
        QuotaLedger ledger = new QuotaLedger("del", OptionalLong.of(1_000_000), OptionalLong.empty());
        ChargedFile file = ledger.openForUpload(mayCreate -> fs.openWrite("/f", false, mayCreate));
        assertThat(file.tryGrowTo(10_000)).isTrue();
        file.channel().write(ByteBuffer.wrap(new byte[10_000]), 0);
        ledger.remove(() -> fs.delete("/f"));
        assertThat(ledger.used()).as("its bytes still take space while it is open").isEqualTo(10_000);
        assertThat(file.tryGrowTo(20_000)).isTrue();
        file.channel().write(ByteBuffer.wrap(new byte[10_000]), 10_000);
        assertThat(ledger.used()).isEqualTo(20_000);
        file.close();
        assertThat(ledger.used()).isZero();
        assertThat(ledger.files()).isZero();
        assertMatchesDisk(ledger, home);
    }

    @Test
    void allocatedBytesAreUsedFirstAndGivenBackAtClose() throws Exception {
        Path home = root.resolve("allo");
        UserFileSystem fs = new UserFileSystem(home, Umask.DEFAULT);
        QuotaLedger ledger = new QuotaLedger("allo", OptionalLong.of(50_000), OptionalLong.empty());
        try (ChargedFile file = ledger.openForUpload(mayCreate -> fs.openWrite("/f", false, mayCreate))) {
            assertThat(file.tryReserve(50_000)).isFalse();
            assertThat(file.tryReserve(40_000)).isTrue();
            assertThat(ledger.available()).isEqualTo(50_000 - QuotaLedger.BLOCK - 40_000);
            assertThat(file.tryGrowTo(30_000)).isTrue();
            file.channel().write(ByteBuffer.wrap(new byte[30_000]), 0);
            assertThat(ledger.used()).as("growth taken from the reservation").isEqualTo(QuotaLedger.BLOCK + 40_000);
        }
        assertThat(ledger.used()).isEqualTo(30_000);
        assertMatchesDisk(ledger, home);
    }

    @Test
    void fileLimitsReadAsAdminsWriteThem() {
        assertThat(QuotaLedger.parseFileLimit(" 100000 ")).hasValue(100_000);
        assertThat(QuotaLedger.parseFileLimit("none")).isEmpty();
        assertThat(QuotaLedger.fileLimitText(OptionalLong.empty())).isEqualTo("none");
        assertThatThrownBy(() -> QuotaLedger.parseFileLimit("10k")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuotaLedger.parseFileLimit("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertMatchesDisk(QuotaLedger ledger, Path home) throws Exception {
        HomeUsage.Usage fresh = HomeUsage.measure(home);
        assertThat(ledger.used()).as("bytes: ledger and a fresh measurement").isEqualTo(fresh.bytes());
        assertThat(ledger.files()).as("files: ledger and a fresh measurement").isEqualTo(fresh.files());
    }
}
