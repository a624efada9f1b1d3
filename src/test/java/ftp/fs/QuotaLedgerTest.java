package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

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
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(100));
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
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.empty());
        assertThat(ledger.tryReserve(Long.MAX_VALUE / 2)).isTrue();
        assertThat(ledger.available()).isEqualTo(Long.MAX_VALUE);
        assertThat(ledger.limit()).isEmpty();
        ledger.setLimit(OptionalLong.of(10));
        assertThat(ledger.available()).as("over the new limit: nothing, not negative").isZero();
        assertThat(ledger.tryReserve(1)).isFalse();
        ledger.setLimit(OptionalLong.empty());
        assertThat(ledger.tryReserve(1)).isTrue();
    }

    @Test
    void concurrentReservationsNeverPassTheLimit() throws Exception {
        long limit = 5000;
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(limit));
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
    void recomputeCountsRegularFilesButNotBookkeepingOrLinks() throws Exception {
        Path home = root.resolve("egon");
        new UserFileSystem(home, Umask.DEFAULT);
        Files.write(home.resolve("a"), new byte[100]);
        Files.createDirectories(home.resolve("d/e"));
        Files.write(home.resolve("d/e/b"), new byte[23]);
        Files.write(home.resolve(".upload/record"), new byte[1000]);
        Path outside = Files.write(root.resolve("big"), new byte[5000]);
        Files.createSymbolicLink(home.resolve("link"), outside);
        Files.createSymbolicLink(home.resolve("linkdir"), root);
        QuotaLedger ledger = new QuotaLedger("egon", OptionalLong.of(1000));
        ledger.recompute(home);
        assertThat(ledger.used()).isEqualTo(123);
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
            assertThat(HomeUsage.measure(home)).isEqualTo(7 + 300);
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
        QuotaLedger first = registry.ledgerFor("ly", home, OptionalLong.of(100)).join();
        assertThat(first.used()).isEqualTo(10);
        first.tryReserve(5);
        QuotaLedger second = registry.ledgerFor("ly", home, OptionalLong.of(50)).join();
        assertThat(second).isSameAs(first);
        assertThat(second.used()).as("not measured again").isEqualTo(15);
        assertThat(second.limit()).hasValue(50);
        registry.forget("ly");
        assertThat(registry.ledgerFor("ly", home, OptionalLong.of(50)).join().used()).isEqualTo(10);
    }
}
