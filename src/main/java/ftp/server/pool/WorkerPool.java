package ftp.server.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fixed set of reusable worker threads fed by one bounded {@link BlockingQueue}. The selector thread
 * submits with {@link #trySubmit}, which never blocks: a full queue is reported to the caller, who answers
 * the client, so no task is ever dropped silently. Thread-safe.
 *
 * <p>States: running → shutting down (no new tasks; queued tasks still run) → terminated.
 */
public final class WorkerPool implements Executor {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());
    private static final Runnable POISON = () -> { };

    private final BlockingQueue<Runnable> queue;
    private final int capacity;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean shuttingDown;

    public WorkerPool(String name, int threadCount, int queueCapacity) {
        this(name, threadCount, queueCapacity, 0);
    }

    /**
     * A pool whose threads run at nice level {@code nice} (0 = normal; see {@link NiceLevel}), for work that
     * should only use CPU that nothing else wants. Returns once the threads run at that level, or it failed.
     */
    public WorkerPool(String name, int threadCount, int queueCapacity, int nice) {
        if (threadCount < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread and one queue slot");
        }
        // One extra slot per thread so shutdown can always enqueue its poison pills.
        this.queue = new ArrayBlockingQueue<>(queueCapacity + threadCount);
        this.capacity = queueCapacity;
        Queue<Long> threadIds = new ConcurrentLinkedQueue<>();
        CountDownLatch started = new CountDownLatch(threadCount);
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(() -> {
                if (nice > 0) {
                    threadIds.add(NiceLevel.currentThreadId());
                }
                started.countDown();
                work();
            }, name + "-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (nice > 0) {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            NiceLevel.apply(threadIds, nice);
        }
    }

    /** Queues a task; false when the queue is full or the pool is shutting down. Never blocks. */
    public boolean trySubmit(Runnable task) {
        if (shuttingDown || queue.size() >= capacity) {
            return false;
        }
        return queue.offer(task);
    }

    /** For code that must not lose the task (e.g. TLS handshake steps): rejects loudly instead of returning false. */
    @Override
    public void execute(Runnable task) {
        if (!trySubmit(task)) {
            throw new RejectedExecutionException("worker queue full");
        }
    }

    public int threadCount() {
        return threads.size();
    }

    public int busyThreads() {
        return busy.get();
    }

    public int queued() {
        return queue.size();
    }

    private void work() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                if (shuttingDown) {
                    return;
                }
                continue;
            }
            if (task == POISON) {
                return;
            }
            busy.incrementAndGet();
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "worker task failed", t);
            } finally {
                busy.decrementAndGet();
                Thread.interrupted(); // a task's interrupt must not leak into the next task
            }
        }
    }

    /** Stops taking new tasks, lets queued ones finish for up to {@code grace}, then interrupts the rest. */
    public void shutdown(Duration grace) {
        shuttingDown = true;
        for (int i = 0; i < threads.size(); i++) {
            queue.offer(POISON);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }
}
