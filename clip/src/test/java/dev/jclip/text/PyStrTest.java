package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Python string semantics where Java's differ (expected values are CPython 3.11's). */
class PyStrTest {
    @Test
    void lowerUsesPythonsFullMapping() {
        assertEquals("\u03bf\u03b4\u03bf\u03c2", PyStr.lower("\u039f\u0394\u039f\u03a3"));      // final sigma
        assertEquals("\u03c3", PyStr.lower("\u03a3"));                                       // alone: not final
        assertEquals("a1\u03c3", PyStr.lower("A1\u03a3"));                                   // digit is not cased (Java says ς)
        assertEquals("a.\u03c2", PyStr.lower("A.\u03a3"));                                   // '.' is case-ignorable
        assertEquals("\u03c3a", PyStr.lower("\u03a3a"));
        assertEquals("i\u0307stanbul", PyStr.lower("\u0130stanbul"));                         // İ -> i + U+0307
        assertEquals("\u00df", PyStr.lower("\u1e9e"));                                       // ẞ -> ß
        assertEquals("\u1c89", PyStr.lower("\u1c89"));                                       // Unicode 16 letter: unchanged in 3.11
        assertEquals("plain ascii", PyStr.lower("PLAIN Ascii"));
    }

    @Test
    void isspaceAndRegexWhitespaceDiffer() {
        assertTrue(PyStr.isSpace(0x1C));
        assertFalse(PyStr.isWhiteSpace(0x1C));
        for (int c : new int[] {0xA0, 0x202F, 0x2007, 0x3000, 0x85, 0x1680}) {
            assertTrue(PyStr.isWhiteSpace(c), Integer.toHexString(c));
            assertTrue(PyStr.isSpace(c));
        }
        assertFalse(PyStr.isWhiteSpace(0x200B)); // zero width space is not White_Space
        assertFalse(PyStr.isWhiteSpace(0x180E));
    }

    @Test
    void stripAndCollapse() {
        assertEquals("a b", PyStr.strip("\u00a0\u202f a b \u3000\u001c"));
        assertEquals("a b c", PyStr.collapseWhitespace("a \t\u2009b\u00a0c"));
        assertEquals(" a ", PyStr.collapseWhitespace("\n\na\r\n"));
        assertEquals("a\u001cb", PyStr.collapseWhitespace("a\u001cb"));
    }
}
