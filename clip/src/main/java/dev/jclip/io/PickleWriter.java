package dev.jclip.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Emits pickle protocol 2 opcodes, just the ones {@code torch.save} uses for a state dict
 * (globals, memoised globals, tuples, ints, strings, persistent ids, REDUCE, SETITEMS).
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final java.util.Map<String, Integer> memo = new java.util.HashMap<>();

    PickleWriter proto() { out.write(0x80); out.write(2); return this; }
    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }
    /**
     * A global pushed once and then fetched from the memo (BINPUT/BINGET), as {@code torch.save}
     * does: smaller pickles that unpickle faster.
     */
    PickleWriter memoGlobal(String module, String name) {
        Integer id = memo.get(module + "\n" + name);
        if (id != null) {
            if (id < 256) { out.write('h'); out.write(id); }
            else { out.write('j'); out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array()); }
            return this;
        }
        global(module, name);
        id = memo.size();
        memo.put(module + "\n" + name, id);
        if (id < 256) { out.write('q'); out.write(id); }
        else { out.write('r'); out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(id).array()); }
        return this;
    }

    PickleWriter mark() { out.write('('); return this; }
    PickleWriter tuple() { out.write('t'); return this; }
    PickleWriter emptyTuple() { out.write(')'); return this; }
    PickleWriter emptyDict() { out.write('}'); return this; }
    PickleWriter reduce() { out.write('R'); return this; }
    PickleWriter binpersid() { out.write('Q'); return this; }
    PickleWriter setitems() { out.write('u'); return this; }
    PickleWriter bool(boolean b) { out.write(b ? 0x88 : 0x89); return this; }
    PickleWriter stop() { out.write('.'); return this; }

    PickleWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J'); // BININT: 4-byte signed
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            out.write(0x8a); // LONG1: 8 little-endian two's-complement bytes
            out.write(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
        return this;
    }

    PickleWriter intTuple(long[] v) {
        mark();
        for (long x : v) integer(x);
        return tuple();
    }

    /** Raw bytes (tests use this to build malformed pickles). */
    PickleWriter raw(byte[] b) { out.writeBytes(b); return this; }

    byte[] toByteArray() { return out.toByteArray(); }
}
