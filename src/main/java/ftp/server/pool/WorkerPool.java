package ftp.server.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Up to a fixed number of reusable worker threads fed by one bounded {@link BlockingQueue}. The selector
 * thread submits with {@link #trySubmit}, which never blocks: a full queue is reported to the caller, who
 * answers the client, so no task is ever dropped silently. Threads start when work arrives and none is idle,
 * and end after {@code keepAlive} without work, so an idle server holds no worker threads (their stacks and
 * the kernel's bookkeeping cost memory on a small machine). Thread-safe.
 *
 * <p>The rule that keeps a task from waiting while the pool could still grow: after every change of the queue
 * or of the number of idle threads, made under {@link #lock}, if more tasks wait than threads are idle, a
 * thread starts (up to the cap). A thread ends on its keep-alive only if the queue is empty at that moment.
 *
 * <p>States: running → shutting down (no new tasks; queued tasks still run) → terminated.
 */
public final class WorkerPool implements Executor {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());
    private static final Runnable POISON = () -> { };
    /** How long a thread without work lives on, so a burst does not start and stop threads per task. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

    private final String name;
    private final BlockingQueue<Runnable> queue;
    private final int capacity;
    private final int maxThreads;
    private final long keepAliveNanos;
    private final Object lock = new Object();
    private final Set<Thread> threads = new HashSet<>();  // guarded by lock: the live ones
    private int idle;                                     // guarded by lock: threads waiting for a task
    private int started;                                  // guarded by lock: for thread names
    private final AtomicInteger busy = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();
    private volatile boolean shuttingDown;

    public WorkerPool(String name, int maxThreads, int queueCapacity) {
        this(name, maxThreads, queueCapacity, DEFAULT_KEEP_ALIVE);
    }

    public WorkerPool(String name, int maxThreads, int queueCapacity, Duration keepAlive) {
        if (maxThreads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("a pool needs at least one thread and one queue slot");
        }
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keep-alive must be positive: " + keepAlive);
        }
        this.name = name;
        // One extra slot per thread so shutdown can always enqueue its poison pills.
        this.queue = new ArrayBlockingQueue<>(queueCapacity + maxThreads);
        this.capacity = queueCapacity;
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /** Queues a task, starting a thread if none is free; false when the queue is full or the pool is shutting down. Never blocks. */
    public boolean trySubmit(Runnable task) {
        synchronized (lock) {
            if (shuttingDown || queue.size() >= capacity || !queue.offer(task)) {
                rejected.increment();
                return false;
            }
            growIfBehind();
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

    /** Threads alive now (0 when idle for longer than the keep-alive). */
    public int threadCount() {
        synchronized (lock) {
            return threads.size();
        }
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

    /** Caller holds lock. */
    private void growIfBehind() {
        if (queue.size() > idle && threads.size() < maxThreads && !shuttingDown) {
            Thread t = new Thread(this::work, name + "-" + (++started));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work() {
        while (true) {
            Runnable task;
            synchronized (lock) {
                idle++;
            }
            try {
                task = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                task = null;
            }
            synchronized (lock) {
                idle--;
                if (task == null) {
                    if (queue.isEmpty() || shuttingDown) {
                        threads.remove(Thread.currentThread());
                        return;
                    }
                    continue;
                }
                if (task == POISON) {
                    threads.remove(Thread.currentThread());
                    return;
                }
                growIfBehind(); // this thread is now busy: others may be needed for what still waits
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
        List<Thread> live;
        synchronized (lock) {
            shuttingDown = true;
            live = new ArrayList<>(threads);
            for (int i = 0; i < live.size(); i++) {
                queue.offer(POISON);
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : live) {
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
        for (Thread t : live) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }
}
