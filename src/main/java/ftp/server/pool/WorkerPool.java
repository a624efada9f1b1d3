package ftp.server.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
    private final LongAdder rejected = new LongAdder();
    private final ThreadPriority priority;
    private volatile boolean shuttingDown;

    public WorkerPool(String name, int threadCount, int queueCapacity) {
        this(name, threadCount, queueCapacity, ThreadPriority.NORMAL);
    }

    /**
     * A pool whose threads run at {@code priority}, for work that should use only CPU that nothing else
     * wants. Each thread lowers itself before its first task, so threads that never work cost nothing.
     */
    public WorkerPool(String name, int threadCount, int queueCapacity, ThreadPriority priority) {
        if (threadCount < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread and one queue slot");
        }
        // One extra slot per thread so shutdown can always enqueue its poison pills.
        this.queue = new ArrayBlockingQueue<>(queueCapacity + threadCount);
        this.capacity = queueCapacity;
        this.priority = priority;
        for (int i = 0; i < threadCount; i++) {
            Thread t = new Thread(this::work, name + "-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Queues a task; false when the queue is full or the pool is shutting down. Never blocks. */
    public boolean trySubmit(Runnable task) {
        if (shuttingDown || queue.size() >= capacity || !queue.offer(task)) {
            rejected.increment();
            return false;
        }
        return true;
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

    /** Tasks refused because the queue was full (or the pool stopping), since the start. */
    public long rejected() {
        return rejected.sum();
    }

    private void work() {
        boolean lowered = false;
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
            if (!lowered) {
                lowered = true;
                lowerPriority();
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

    /** Once per thread, before its first task; the task runs whether or not that worked. */
    private void lowerPriority() {
        try {
            priority.applyToCurrentThread();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot lower the priority of " + Thread.currentThread().getName(), e);
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
