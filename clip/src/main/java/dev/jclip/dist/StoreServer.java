package dev.jclip.dist;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of c10d's {@code TCPStore} protocol (see {@link StoreClient}), for jobs where no
 * launcher hosts a store and libtorch's own cannot be reached without JNI (external mode): rank 0
 * runs it at {@code MASTER_PORT}. It answers {@code VALIDATE}, {@code PING}, {@code SET},
 * {@code GET}, {@code ADD}, {@code CHECK}, {@code WAIT}, {@code COMPARE_SET}, {@code GETNUMKEYS} and
 * {@code DELETE_KEY}, so PyTorch's and Bytedeco's clients can use it too. One daemon thread per
 * connection; {@code WAIT} parks that thread until the keys exist.
 *
 * <pre>{@code
 * try (StoreServer srv = StoreServer.start(29500)) { ... }
 * }</pre>
 */
public final class StoreServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Map<String, byte[]> data = new HashMap<>();
    private final List<Socket> clients = new ArrayList<>();
    private volatile boolean closed;

    private StoreServer(ServerSocket listener) {
        this.listener = listener;
        Thread t = Thread.ofPlatform().daemon().name("jclip-store-accept").unstarted(this::accept);
        t.start();
    }

    /** Listens on every interface at {@code port} (0: any free port, see {@link #port()}). */
    public static StoreServer start(int port) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress((InetAddress) null, port), 128);
            return new StoreServer(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot host the rendezvous store on port " + port + " (in use by another job? pick another MASTER_PORT): "
                    + e.getMessage(), e);
        }
    }

    public int port() { return listener.getLocalPort(); }

    private void accept() {
        while (!closed) {
            try {
                Socket c = listener.accept();
                c.setTcpNoDelay(true);
                synchronized (clients) { clients.add(c); }
                Thread.ofPlatform().daemon().name("jclip-store-conn").start(() -> serve(c));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serve(Socket c) {
        try (c) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(c.getInputStream()));
            OutputStream out = new BufferedOutputStream(c.getOutputStream());
            while (!closed) {
                int type;
                try { type = in.readUnsignedByte(); } catch (EOFException e) { return; }
                switch (type) {
                    case StoreClient.VALIDATE -> {
                        int magic = Integer.reverseBytes(in.readInt());
                        if (magic != StoreClient.MAGIC) return; // not one of ours: drop it, as c10d does
                    }
                    case StoreClient.PING -> reply(out, buf(4).putInt(Integer.reverseBytes(in.readInt())).array()); // echo the nonce
                    case StoreClient.SET -> {
                        String k = str(in);
                        byte[] v = bytes(in);
                        synchronized (data) { data.put(k, v); data.notifyAll(); }
                    }
                    case StoreClient.COMPARE_SET -> {
                        String k = str(in);
                        byte[] expected = bytes(in), desired = bytes(in);
                        byte[] now;
                        synchronized (data) {
                            byte[] cur = data.get(k);
                            if (cur == null && expected.length == 0) { data.put(k, desired); data.notifyAll(); now = desired; }
                            else if (cur != null && java.util.Arrays.equals(cur, expected)) { data.put(k, desired); data.notifyAll(); now = desired; }
                            else now = cur == null ? expected : cur;
                        }
                        reply(out, value(now));
                    }
                    case StoreClient.GET -> {
                        String k = str(in);
                        byte[] v;
                        synchronized (data) {
                            while ((v = data.get(k)) == null && !closed) data.wait();
                        }
                        reply(out, value(v == null ? new byte[0] : v));
                    }
                    case StoreClient.ADD -> {
                        String k = str(in);
                        long d = Long.reverseBytes(in.readLong());
                        long n;
                        synchronized (data) {
                            byte[] cur = data.get(k);
                            n = (cur == null ? 0 : Long.parseLong(new String(cur, StandardCharsets.UTF_8))) + d;
                            data.put(k, Long.toString(n).getBytes(StandardCharsets.UTF_8));
                            data.notifyAll();
                        }
                        reply(out, buf(8).putLong(n).array());
                    }
                    case StoreClient.CHECK -> {
                        List<String> ks = keys(in);
                        boolean all;
                        synchronized (data) { all = data.keySet().containsAll(ks); }
                        reply(out, new byte[]{(byte) (all ? 0 : 1)});
                    }
                    case StoreClient.WAIT -> {
                        List<String> ks = keys(in);
                        synchronized (data) {
                            while (!data.keySet().containsAll(ks) && !closed) data.wait();
                        }
                        reply(out, new byte[]{0});
                    }
                    case StoreClient.GETNUMKEYS -> {
                        long n;
                        synchronized (data) { n = data.size(); }
                        reply(out, buf(8).putLong(n).array());
                    }
                    case StoreClient.DELETE_KEY -> {
                        String k = str(in);
                        long n;
                        synchronized (data) { n = data.remove(k) == null ? 0 : 1; }
                        reply(out, buf(8).putLong(n).array());
                    }
                    default -> { return; } // a query this store does not know: close, the client sees why
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away (or we are closing)
        } finally {
            synchronized (clients) { clients.remove(c); }
        }
    }

    private static ByteBuffer buf(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private static byte[] value(byte[] v) { return buf(8 + v.length).putLong(v.length).put(v).array(); }

    private static void reply(OutputStream out, byte[] b) throws IOException {
        if (b == null) return;
        out.write(b);
        out.flush();
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        long n = Long.reverseBytes(in.readLong());
        if (n < 0 || n > (1L << 30)) throw new IOException("value of " + n + " bytes");
        byte[] v = new byte[(int) n];
        in.readFully(v);
        return v;
    }

    private static String str(DataInputStream in) throws IOException { return new String(bytes(in), StandardCharsets.UTF_8); }

    private static List<String> keys(DataInputStream in) throws IOException {
        long n = Long.reverseBytes(in.readLong());
        if (n < 0 || n > 1_000_000) throw new IOException(n + " keys");
        List<String> ks = new ArrayList<>();
        for (long i = 0; i < n; i++) ks.add(str(in));
        return ks;
    }

    @Override public void close() {
        closed = true;
        try { listener.close(); } catch (IOException ignored) { }
        synchronized (data) { data.notifyAll(); }
        synchronized (clients) {
            for (Socket s : clients) { try { s.close(); } catch (IOException ignored) { } }
            clients.clear();
        }
    }
}
