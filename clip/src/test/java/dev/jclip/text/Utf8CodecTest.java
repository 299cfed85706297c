package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CPython's UTF-8 decoder semantics (expected values are CPython 3.11's). */
class Utf8CodecTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void replaceOnePerMaximalSubpart() {
        assertEquals("\ufffda", Utf8Codec.decodeReplace(hex("e28261")));       // truncated 3-byte sequence
        assertEquals("\ufffd\ufffd", Utf8Codec.decodeReplace(hex("c080")));     // C0 is never valid
        assertEquals("\ufffd\ufffd\ufffd", Utf8Codec.decodeReplace(hex("eda080"))); // surrogate
        assertEquals("\ufffd", Utf8Codec.decodeReplace(hex("f09f98")));         // truncated at the end
        assertEquals("\ud83d\ude00\u20ac", Utf8Codec.decodeReplace(hex("f09f9880e282ac")));
        assertEquals("\ufffd\ufffd", Utf8Codec.decodeReplace(hex("f490")));     // above U+10FFFF
    }

    @Test
    void strictAndVariants() {
        assertEquals("\u00e9", Utf8Codec.decodeStrict(hex("c3a9"), false));
        assertNull(Utf8Codec.decodeStrict(hex("c3"), false));
        assertNull(Utf8Codec.decodeStrict(hex("eda0bdedb88d"), false));
        assertEquals("\ud83d\ude0d", Utf8Codec.decodeStrict(hex("eda0bdedb88d"), true)); // CESU-8
        assertEquals("a\u0000b", Utf8Codec.decodeStrict(hex("61c08062"), true));       // Java's NUL
        assertNull(Utf8Codec.decodeStrict(hex("c081"), true));
    }
}
