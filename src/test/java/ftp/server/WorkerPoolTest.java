package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ftp.server.pool.WorkerPool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix + "-") && t.isAlive()) {
                found.add(t);
            }
        }
        return found;
    }

    private static void awaitBusy(WorkerPool pool, int busy) throws InterruptedException {
        assertThat(Eventually.holds(() -> pool.busyThreads() >= busy)).as("workers started").isTrue();
    }

    @Test
    void runsEveryTaskOnReusedThreadsNeverMoreThanTheCap() throws Exception {
        WorkerPool pool = new WorkerPool("wp-reuse", 2, 200);
        try {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                assertThat(pool.trySubmit(() -> {
                    seen.add(Thread.currentThread());
                    done.countDown();
                })).isTrue();
            }
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSizeBetween(1, 2);
            assertThat(threadsNamed("wp-reuse")).hasSizeBetween(1, 2);
        } finally {
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void startsThreadsOnlyWhenWorkArrivesAndLetsIdleOnesGo() throws Exception {
        WorkerPool pool = new WorkerPool("wp-lazy", 3, 10, Duration.ofMillis(100));
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(pool.threadCount()).as("an idle pool holds no thread").isZero();
            assertThat(threadsNamed("wp-lazy")).isEmpty();
            for (int i = 0; i < 5; i++) {
                pool.trySubmit(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            awaitBusy(pool, 3);
            assertThat(pool.threadCount()).as("grown to the cap, not past it").isEqualTo(3);
            assertThat(pool.queued()).isEqualTo(2);
            release.countDown();
            assertThat(Eventually.holds(() -> pool.threadCount() == 0 && threadsNamed("wp-lazy").isEmpty()))
                    .as("threads end after the keep-alive without work").isTrue();
            CountDownLatch again = new CountDownLatch(1);
            assertThat(pool.trySubmit(again::countDown)).isTrue();
            assertThat(again.await(10, TimeUnit.SECONDS)).as("a pool that shrank to nothing starts again").isTrue();
        } finally {
            release.countDown();
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aTaskNeverWaitsBehindABusyThreadWhileThePoolMayStillGrow() throws Exception {
        // A 1 ms keep-alive makes threads end and start all the time, so submits race with threads that
        // are about to leave: the task must still find a thread while another one is held.
        WorkerPool pool = new WorkerPool("wp-race", 2, 10, Duration.ofMillis(1));
        try {
            for (int round = 0; round < 300; round++) {
                CountDownLatch hold = new CountDownLatch(1);
                CountDownLatch held = new CountDownLatch(1);
                CountDownLatch second = new CountDownLatch(1);
                assertThat(pool.trySubmit(() -> {
                    held.countDown();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })).isTrue();
                assertThat(pool.trySubmit(second::countDown)).isTrue();
                assertThat(second.await(10, TimeUnit.SECONDS)).as("round " + round + ": ran beside the held task")
                        .isTrue();
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                hold.countDown();
            }
        } finally {
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceNeverBlocking() throws Exception {
        WorkerPool pool = new WorkerPool("wp-full", 1, 2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable blocked = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        };
        try {
            assertThat(pool.trySubmit(blocked)).isTrue();
            awaitBusy(pool, 1);
            assertThat(pool.trySubmit(blocked)).isTrue();
            assertThat(pool.trySubmit(blocked)).isTrue();
            long start = System.nanoTime();
            assertThat(pool.trySubmit(blocked)).isFalse();
            assertThat(pool.trySubmit(blocked)).isFalse();
            // A submit that waited for room would wait for the release below: forever.
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(pool.queued()).isEqualTo(2);
            assertThatThrownBy(() -> pool.execute(blocked)).isInstanceOf(RejectedExecutionException.class);

            release.countDown();
            Eventually.holds(() -> ran.get() >= 3);
            assertThat(ran.get()).as("every accepted task ran, none was dropped").isEqualTo(3);
            assertThat(pool.trySubmit(() -> { })).as("room again once the queue drained").isTrue();
        } finally {
            release.countDown();
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aThrowingTaskDoesNotKillItsThread() throws Exception {
        WorkerPool pool = new WorkerPool("wp-throw", 1, 10);
        try {
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(2);
            pool.trySubmit(() -> {
                seen.add(Thread.currentThread());
                done.countDown();
                throw new IllegalStateException("task failure on purpose");
            });
            pool.trySubmit(() -> {
                throw new AssertionError("an Error too");
            });
            pool.trySubmit(() -> {
                seen.add(Thread.currentThread());
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).as("the same thread ran the task after the failures").hasSize(1);
            assertThat(threadsNamed("wp-throw")).hasSize(1);
        } finally {
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aTaskInterruptDoesNotLeakIntoTheNextTask() throws Exception {
        WorkerPool pool = new WorkerPool("wp-intr", 1, 10);
        try {
            CountDownLatch done = new CountDownLatch(1);
            AtomicInteger interruptedSeen = new AtomicInteger(-1);
            pool.trySubmit(() -> Thread.currentThread().interrupt());
            pool.trySubmit(() -> {
                interruptedSeen.set(Thread.currentThread().isInterrupted() ? 1 : 0);
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(interruptedSeen.get()).isZero();
        } finally {
            pool.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void shutdownRunsQueuedTasksRefusesNewOnesAndEndsTheThreads() throws Exception {
        WorkerPool pool = new WorkerPool("wp-stop", 2, 50);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            pool.trySubmit(() -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.incrementAndGet();
            });
        }
        pool.shutdown(Duration.ofSeconds(5));
        assertThat(ran.get()).as("queued tasks finish before the threads end").isEqualTo(20);
        assertThat(pool.trySubmit(ran::incrementAndGet)).isFalse();
        assertThat(threadsNamed("wp-stop")).isEmpty();
    }

    @Test
    void shutdownInterruptsATaskThatOutlivesTheGrace() throws Exception {
        WorkerPool pool = new WorkerPool("wp-grace", 1, 5);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        pool.trySubmit(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        pool.shutdown(Duration.ofMillis(200));
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        // Well before the task's 60 s sleep would end by itself: the interrupt after the grace ended it.
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
        Eventually.holds(() -> threadsNamed("wp-grace").isEmpty());
        assertThat(threadsNamed("wp-grace")).isEmpty();
    }

    @Test
    void nonsenseSizesAreRefused() {
        assertThatThrownBy(() -> new WorkerPool("wp-bad", 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerPool("wp-bad", 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerPool("wp-bad", 1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
