package dev.jclip.dist;

import java.util.ArrayList;
import java.util.List;

/**
 * Slurm's compressed host lists ({@code SLURM_NODELIST}, {@code SLURM_JOB_NODELIST}), e.g.
 * {@code gpu[01-03,07],login2} = gpu01, gpu02, gpu03, gpu07, login2. Only the first host is needed
 * for the rendezvous (rank 0 runs there: Slurm gives task 0 to the first node), but the whole list
 * is expanded so a malformed one fails loudly instead of picking a wrong master.
 *
 * <pre>{@code
 * SlurmNodeList.first("node[3-5],gpu7");   // "node3"
 * SlurmNodeList.expand("a[08-10]");        // [a08, a09, a10] (zero padding kept)
 * }</pre>
 */
public final class SlurmNodeList {
    private SlurmNodeList() {}

    /** The first host of {@code list}. */
    public static String first(String list) {
        List<String> hosts = expand(list);
        return hosts.getFirst();
    }

    /** Every host of {@code list}, in order. */
    public static List<String> expand(String list) {
        if (list == null || list.isBlank()) throw bad(list, "empty host list");
        List<String> out = new ArrayList<>();
        int i = 0, n = list.length();
        while (i < n) {
            // One item: a prefix, then optionally [ranges], possibly repeated (a[1-2]b[3-4] is legal in Slurm).
            int start = i;
            int depth = 0;
            while (i < n && (depth > 0 || list.charAt(i) != ',')) {
                char c = list.charAt(i);
                if (c == '[') { if (depth++ > 0) throw bad(list, "nested '[' at offset " + i); }
                else if (c == ']') { if (--depth < 0) throw bad(list, "unmatched ']' at offset " + i); }
                i++;
            }
            if (depth != 0) throw bad(list, "unclosed '[' in item starting at offset " + start);
            String item = list.substring(start, i).trim();
            if (item.isEmpty()) throw bad(list, "empty item at offset " + start);
            expandItem(list, item, out);
            i++; // skip ','
        }
        return out;
    }

    private static void expandItem(String list, String item, List<String> out) {
        List<String> acc = List.of("");
        int i = 0;
        while (i < item.length()) {
            int open = item.indexOf('[', i);
            if (open < 0) { acc = append(acc, List.of(item.substring(i))); break; }
            int close = item.indexOf(']', open);
            acc = append(acc, List.of(item.substring(i, open)));
            acc = append(acc, ranges(list, item.substring(open + 1, close)));
            i = close + 1;
        }
        out.addAll(acc);
    }

    private static List<String> append(List<String> heads, List<String> tails) {
        List<String> r = new ArrayList<>(heads.size() * tails.size());
        for (String h : heads) for (String t : tails) r.add(h + t);
        return r;
    }

    private static List<String> ranges(String list, String spec) {
        List<String> r = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            part = part.trim();
            if (part.isEmpty()) throw bad(list, "empty range in [" + spec + "]");
            int dash = part.indexOf('-');
            if (dash < 0) { checkDigits(list, part); r.add(part); continue; }
            String lo = part.substring(0, dash), hi = part.substring(dash + 1);
            checkDigits(list, lo);
            checkDigits(list, hi);
            long a = Long.parseLong(lo), b = Long.parseLong(hi);
            if (b < a) throw bad(list, "descending range " + part);
            if (b - a > 100_000) throw bad(list, "range " + part + " is too large");
            for (long v = a; v <= b; v++) r.add(String.format("%0" + lo.length() + "d", v));
        }
        return r;
    }

    private static void checkDigits(String list, String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18) {
            throw bad(list, "'" + s + "' is not a number");
        }
    }

    private static IllegalArgumentException bad(String list, String why) {
        return new IllegalArgumentException("bad Slurm node list '" + list + "': " + why);
    }
}
