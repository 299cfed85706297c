package dev.jclip.dist;

import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells which rank broke a collective. Each rank's daemon thread writes {@code jclip/hb/<rank>} =
 * {@code beat:seq} to the rendezvous store every {@link #INTERVAL} (its own TCP connection, so it
 * never competes with the process group's use of the store); {@code seq} counts the collectives
 * this rank has entered. When a collective fails (Gloo reports "Connection closed by peer" with an
 * address, or a timeout), {@link #diagnose} watches the beats for a few intervals: a rank whose
 * beat stopped is dead, a rank that closed its group left, a rank that still beats but entered
 * fewer collectives is stuck, and when the store itself is gone its host, rank 0, is dead.
 *
 * <pre>{@code
 * PeerMonitor m = PeerMonitor.start(env, Duration.ofSeconds(30));
 * m.entered();                       // before each collective
 * throw m.diagnose("allreduce", e);  // after one failed
 * }</pre>
 */
final class PeerMonitor implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(300);
    private static final String HB = "jclip/hb/";
    private static final String LEFT = "jclip/left/";

    private final DistEnv env;
    private final TCPStore store;
    private final AtomicLong seq = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable storeError;
    private long beat;

    private PeerMonitor(DistEnv env, TCPStore store) {
        this.env = env;
        this.store = store;
        this.thread = Thread.ofPlatform().daemon().name("jclip-heartbeat-" + env.rank()).unstarted(this::loop);
    }

    /** Connects a second store client and starts beating. */
    static PeerMonitor start(DistEnv env, Duration timeout) {
        TCPStore s = client(env, Duration.ofMillis(Math.min(timeout.toMillis(), 5000)));
        PeerMonitor m = new PeerMonitor(env, s);
        m.thread.start();
        return m;
    }

    static TCPStore client(DistEnv env, Duration timeout) {
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) env.masterPort());
        o.isServer(false);
        o.numWorkers(new SizeTPointer(1).put(env.worldSize()));
        o.waitWorkers(false);
        o.timeout(new Milliseconds(timeout.toMillis()));
        return new TCPStore(env.masterAddr(), o);
    }

    static String hbKey(int rank) { return HB + rank; }

    /** Counts one more collective entered by this rank. */
    long entered() { return seq.incrementAndGet(); }

    long seq() { return seq.get(); }

    private void loop() {
        while (running) {
            try {
                synchronized (store) { store.set(hbKey(env.rank()), (++beat) + ":" + seq.get()); }
            } catch (RuntimeException e) {
                storeError = e;
                return;
            }
            try { Thread.sleep(INTERVAL); } catch (InterruptedException e) { return; }
        }
    }

    /** Marks this rank as having left on purpose (closed its group). */
    void markLeft() {
        try { synchronized (store) { store.set(LEFT + env.rank(), "1"); } } catch (RuntimeException ignored) { }
    }

    /** Beat and seq of every rank ({@code null} entries where unknown); throws when the store is gone. */
    private long[][] snapshot() {
        long[][] r = new long[env.worldSize()][];
        synchronized (store) {
            for (int k = 0; k < env.worldSize(); k++) {
                String v = store.get_to_str(hbKey(k));
                String[] p = v.split(":");
                r[k] = new long[]{Long.parseLong(p[0]), Long.parseLong(p[1])};
            }
        }
        return r;
    }

    private boolean left(int k) {
        synchronized (store) {
            return store.check(new org.bytedeco.pytorch.StringVector(LEFT + k));
        }
    }

    /** Names the rank(s) behind the failure of collective {@code what}; the cause's text is kept. */
    PeerFailureException diagnose(String what, Throwable cause) {
        String head = "rank " + env.rank() + " of " + env.worldSize() + ": " + what + " (collective #" + seq.get() + ") failed: ";
        String tail = "; cause: " + firstLine(cause);
        long[][] a, b;
        try {
            a = snapshot();
            Thread.sleep(INTERVAL.multipliedBy(4));
            b = snapshot();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PeerFailureException(head + "interrupted while diagnosing" + tail, List.of(), cause);
        } catch (RuntimeException e) {
            if (env.rank() == 0) return new PeerFailureException(head + "the rendezvous store stopped answering" + tail, List.of(), cause);
            return new PeerFailureException(head + "rank 0 is gone (the rendezvous store it hosts at " + env.masterAddr() + ":"
                    + env.masterPort() + " no longer answers)" + tail, List.of(0), cause);
        }
        List<Integer> dead = new ArrayList<>(), gone = new ArrayList<>(), stuck = new ArrayList<>();
        for (int k = 0; k < env.worldSize(); k++) {
            if (k == env.rank()) continue;
            if (left(k)) gone.add(k);
            else if (a[k][0] == b[k][0]) dead.add(k);
            else if (b[k][1] < seq.get()) stuck.add(k);
        }
        List<Integer> blamed = new ArrayList<>();
        StringBuilder m = new StringBuilder(head);
        if (!dead.isEmpty()) {
            m.append(label(dead)).append(dead.size() == 1 ? " is" : " are").append(" dead (no heartbeat for ")
                    .append(INTERVAL.multipliedBy(4).toMillis()).append(" ms)");
            blamed.addAll(dead);
        }
        if (!gone.isEmpty()) {
            if (!blamed.isEmpty()) m.append("; ");
            m.append(label(gone)).append(" left the job (closed its process group)");
            blamed.addAll(gone);
        }
        if (!stuck.isEmpty()) {
            if (!blamed.isEmpty()) m.append("; ");
            m.append(label(stuck)).append(" still alive but behind (fewer collectives entered: stuck or slower than the timeout)");
            blamed.addAll(stuck);
        }
        if (blamed.isEmpty()) m.append("every peer is alive and in step; the collective itself failed");
        return new PeerFailureException(m + tail, blamed, cause);
    }

    private static String label(List<Integer> ranks) {
        return ranks.size() == 1 ? "rank " + ranks.getFirst() : "ranks " + ranks;
    }

    static String firstLine(Throwable t) {
        String s = String.valueOf(t.getMessage());
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Whether the heartbeat lost the store (rank 0 gone) before any collective noticed. */
    Throwable storeError() { return storeError; }

    @Override public void close() {
        running = false;
        thread.interrupt();
        try { thread.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        store.close();
    }
}
