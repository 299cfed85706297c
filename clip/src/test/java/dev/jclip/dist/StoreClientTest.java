package dev.jclip.dist;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * jclip's c10d TCPStore protocol client against libtorch's own TCPStore server (Bytedeco's, on
 * the CPU), and jclip's server against libtorch's client: the same keys, values and counters on
 * both sides, so a torchrun-hosted store and the NCCL id exchange work without JNI.
 */
class StoreClientTest {
    static TCPStore libtorchStore(int port, boolean server) {
        Loader.load(org.bytedeco.pytorch.global.torch.class);
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) port);
        o.isServer(server);
        o.numWorkers(new SizeTPointer(1).put(1));
        o.waitWorkers(false);
        o.timeout(new Milliseconds(5000));
        return new TCPStore("127.0.0.1", o);
    }

    @Test void talksToLibtorchsServer() throws Exception {
        int port = Ranks.freePort();
        try (TCPStore host = libtorchStore(port, true);
             StoreClient c = StoreClient.connect("127.0.0.1", port, Duration.ofSeconds(5))) {
            byte[] id = new byte[128];
            for (int i = 0; i < id.length; i++) id[i] = (byte) (i * 7 - 3); // binary, with zeros and high bytes
            c.set("jclip/nccl/uid", id);
            // libtorch's client sees our key and bytes
            assertArrayEquals(id, host.get("jclip/nccl/uid").get());
            // and we see libtorch's
            host.set("from/libtorch", "hello");
            assertEquals("hello", c.getString("from/libtorch"));
            assertTrue(c.check(List.of("from/libtorch", "jclip/nccl/uid")));
            assertFalse(c.check(List.of("not/there")));
            // counters agree (libtorch stores them as decimal text)
            assertEquals(3, c.add("count", 3));
            assertEquals(5, host.add("count", 2));
            assertEquals(6, c.add("count", 1));
            assertTrue(c.delete("count"));
            assertFalse(c.check(List.of("count")));
        }
    }

    @Test void waitsForAKeyAndTimesOutNamingIt() throws Exception {
        int port = Ranks.freePort();
        try (TCPStore host = libtorchStore(port, true);
             StoreClient c = StoreClient.connect("127.0.0.1", port, Duration.ofMillis(700))) {
            Thread setter = Thread.ofPlatform().start(() -> {
                try { Thread.sleep(200); } catch (InterruptedException ignored) { }
                host.set("late", "x");
            });
            assertEquals("x", c.getString("late"));
            setter.join();
            StoreClient.StoreException e = assertThrows(StoreClient.StoreException.class, () -> c.get("never"));
            assertTrue(e.getMessage().contains("never") && e.getMessage().contains("timed out"), e.getMessage());
        }
    }

    @Test void libtorchsClientTalksToOurServer() throws Exception {
        try (StoreServer srv = StoreServer.start(0);
             TCPStore client = libtorchStore(srv.port(), false);
             StoreClient ours = StoreClient.connect("127.0.0.1", srv.port(), Duration.ofSeconds(5))) {
            client.set("a", "1");
            assertEquals("1", ours.getString("a"));
            ours.set("b", "two".getBytes(StandardCharsets.UTF_8));
            assertEquals("two", client.get_to_str("b"));
            assertEquals(4, client.add("n", 4));
            assertEquals(5, ours.add("n", 1));
        }
    }

    @Test void noStoreIsAClearError() throws Exception {
        int port = Ranks.freePort();
        StoreClient.StoreException e = assertThrows(StoreClient.StoreException.class,
                () -> StoreClient.connect("127.0.0.1", port, Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("no rendezvous store at 127.0.0.1:" + port), e.getMessage());
    }
}
