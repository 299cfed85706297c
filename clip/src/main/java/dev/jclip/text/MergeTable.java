package dev.jclip.text;

import java.util.Arrays;

/**
 * BPE merge ranks keyed by a pair of symbol ids: an open-addressing hash of primitive longs,
 * because the merge loop looks up every adjacent pair of a word on each step and boxed
 * {@code Map<Long, ...>} lookups would dominate the tokenizer's time. Immutable once built, so
 * safe to share between threads.
 *
 * <pre>{@code
 * MergeTable t = new MergeTable(1);
 * t.put(3, 4, 0, 10);   // merging symbols 3,4 has rank 0 and gives symbol 10
 * t.rank(3, 4);         // 0
 * }</pre>
 */
final class MergeTable {
    /** Returned by {@link #rank} for pairs that never merge. */
    static final int NO_MERGE = Integer.MAX_VALUE;

    private final long[] keys;
    private final long[] values; // rank << 32 | merged id
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(8, expected * 4)); // load factor <= 1/2
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** Adds or replaces (a later duplicate merge wins, as in the reference's dict). */
    void put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != -1L && keys[i] != k) i = (i + 1) & mask;
        if (keys[i] == -1L) {
            if (++size * 2 > keys.length) throw new IllegalStateException("merge table over capacity");
            keys[i] = k;
        }
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    private int find(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        while (true) {
            long ki = keys[i];
            if (ki == k) return i;
            if (ki == -1L) return -1;
            i = (i + 1) & mask;
        }
    }

    /** The merge rank of the pair, or {@link #NO_MERGE}. */
    int rank(int left, int right) {
        int i = find(left, right);
        return i < 0 ? NO_MERGE : (int) (values[i] >>> 32);
    }

    /** The symbol the pair merges into; only for pairs with a rank. */
    int merged(int left, int right) {
        return (int) values[find(left, right)];
    }

    int size() {
        return size;
    }
}
