package dev.jclip.dist;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A client of c10d's {@code TCPStore} speaking its wire protocol directly (no libtorch, no JNI): the
 * store torchrun's agent hosts at {@code MASTER_ADDR:MASTER_PORT}, the one rank 0 hosts with
 * PyTorch or Bytedeco's {@code TCPStore}, or jclip's {@link StoreServer}. Keys are sent with the
 * {@code "/"} prefix the C++ client adds, so both clients see the same keys.
 *
 * <p>Protocol (torch/csrc/distributed/c10d/TCPStoreBackend.hpp): a one-byte query type, then its
 * fields; integers little-endian, strings and values as a {@code uint64} length and the bytes. A
 * connection starts with {@code VALIDATE} and the magic number {@code 0x3C85F7CE}. {@code SET} has no
 * reply; {@code GET} replies with a value; {@code ADD} with the new {@code int64}; {@code CHECK} with
 * one byte ({@code 0} = all keys present); {@code WAIT} replies one byte once every key exists.
 *
 * <pre>{@code
 * try (StoreClient s = StoreClient.connect("127.0.0.1", 29500, Duration.ofSeconds(30))) {
 *     s.set("jclip/nccl/uid", id);
 *     byte[] v = s.get("jclip/nccl/uid");     // waits for the key first, as c10d does
 *     long n = s.add("arrived", 1);
 * }
 * }</pre>
 *
 * One connection, one request at a time (methods are synchronized).
 */
public final class StoreClient implements AutoCloseable {
    static final int MAGIC = 0x3C85F7CE;
    static final byte VALIDATE = 0, SET = 1, COMPARE_SET = 2, GET = 3, ADD = 4, CHECK = 5, WAIT = 6, GETNUMKEYS = 7, DELETE_KEY = 8, PING = 13;
    static final String PREFIX = "/";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String where;
    private final Duration timeout;

    private StoreClient(Socket socket, String where, Duration timeout) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.where = where;
        this.timeout = timeout;
    }

    /**
     * Connects to the store at {@code host:port}, retrying until {@code timeout} (the host may start
     * after us); each later request waits at most {@code timeout} for its reply.
     */
    public static StoreClient connect(String host, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (true) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, Math.min(timeout.toMillis(), 5000)));
                s.setSoTimeout((int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
                StoreClient c = new StoreClient(s, host + ":" + port, timeout);
                c.validate();
                return c;
            } catch (IOException e) {
                last = e;
                try { s.close(); } catch (IOException ignored) { }
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException("no rendezvous store at " + host + ":" + port + " within " + timeout.toSeconds() + " s: " + last.getMessage(), last);
            }
            try { Thread.sleep(100); } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while connecting to the store at " + host + ":" + port, e);
            }
        }
    }

    private void validate() throws IOException {
        ByteBuffer b = buf(5);
        b.put(VALIDATE).putInt(MAGIC);
        send(b);
        // PING proves the server speaks the protocol (it echoes the nonce).
        int nonce = (int) ProcessHandle.current().pid();
        ByteBuffer p = buf(5);
        p.put(PING).putInt(nonce);
        send(p);
        int echo = Integer.reverseBytes(in.readInt());
        if (echo != nonce) throw new IOException("store at " + where + " answered PING with " + echo + ", expected " + nonce + " (not a c10d TCPStore?)");
    }

    /** Sets {@code key} to {@code value}. */
    public synchronized void set(String key, byte[] value) {
        byte[] k = key(key);
        ByteBuffer b = buf(1 + 8 + k.length + 8 + value.length);
        b.put(SET).putLong(k.length).put(k).putLong(value.length).put(value);
        io("set '" + key + "'", () -> { send(b); return null; });
    }

    public void set(String key, String value) { set(key, value.getBytes(StandardCharsets.UTF_8)); }

    /** The value of {@code key}, waiting (at most the timeout) until some rank sets it. */
    public synchronized byte[] get(String key) {
        waitFor(List.of(key));
        byte[] k = key(key);
        ByteBuffer b = buf(1 + 8 + k.length);
        b.put(GET).putLong(k.length).put(k);
        return io("get '" + key + "'", () -> { send(b); return readBytes(); });
    }

    public String getString(String key) { return new String(get(key), StandardCharsets.UTF_8); }

    /** Adds {@code delta} to the integer at {@code key} (0 when absent); returns the new value. */
    public synchronized long add(String key, long delta) {
        byte[] k = key(key);
        ByteBuffer b = buf(1 + 8 + k.length + 8);
        b.put(ADD).putLong(k.length).put(k).putLong(delta);
        return io("add to '" + key + "'", () -> { send(b); return Long.reverseBytes(in.readLong()); });
    }

    /** Whether every key exists, without waiting. */
    public synchronized boolean check(List<String> keys) {
        ByteBuffer b = keysQuery(CHECK, keys);
        return io("check " + keys, () -> { send(b); return in.readByte() == 0; });
    }

    /** Waits (at most the timeout) until every key exists. */
    public synchronized void waitFor(List<String> keys) {
        ByteBuffer b = keysQuery(WAIT, keys);
        io("wait for " + keys, () -> {
            send(b);
            byte r = in.readByte();
            if (r != 0) throw new IOException("wait for " + keys + " was canceled by the store");
            return null;
        });
    }

    /** Deletes {@code key}; returns whether it existed. */
    public synchronized boolean delete(String key) {
        byte[] k = key(key);
        ByteBuffer b = buf(1 + 8 + k.length);
        b.put(DELETE_KEY).putLong(k.length).put(k);
        return io("delete '" + key + "'", () -> { send(b); return Long.reverseBytes(in.readLong()) > 0; });
    }

    private ByteBuffer keysQuery(byte type, List<String> keys) {
        int n = 1 + 8;
        byte[][] ks = new byte[keys.size()][];
        for (int i = 0; i < ks.length; i++) { ks[i] = key(keys.get(i)); n += 8 + ks[i].length; }
        ByteBuffer b = buf(n);
        b.put(type).putLong(ks.length);
        for (byte[] k : ks) b.putLong(k.length).put(k);
        return b;
    }

    private static byte[] key(String key) { return (PREFIX + key).getBytes(StandardCharsets.UTF_8); }

    private static ByteBuffer buf(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private void send(ByteBuffer b) throws IOException {
        out.write(b.array(), 0, b.position());
        out.flush();
    }

    private byte[] readBytes() throws IOException {
        long n = Long.reverseBytes(in.readLong());
        if (n < 0 || n > (1L << 30)) throw new IOException("store value of " + n + " bytes");
        byte[] v = new byte[(int) n];
        in.readFully(v);
        return v;
    }

    private interface Io<T> { T run() throws IOException; }

    private <T> T io(String what, Io<T> op) {
        try {
            return op.run();
        } catch (SocketTimeoutException e) {
            throw new StoreException("store at " + where + ": " + what + " timed out after " + timeout.toSeconds() + " s", e);
        } catch (EOFException e) {
            throw new StoreException("store at " + where + " closed the connection during " + what + " (its host, rank 0, is gone?)", e);
        } catch (IOException e) {
            throw new StoreException("store at " + where + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try { socket.close(); } catch (IOException ignored) { }
    }

    /** A store request failed: unreachable, timed out, or the host went away. */
    public static final class StoreException extends RuntimeException {
        StoreException(String msg, Throwable cause) { super(msg, cause); }
    }
}
