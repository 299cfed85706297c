package dev.jclip.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Python's {@code html.unescape} (expected values are CPython 3.11's). */
class HtmlUnescapeTest {
    @Test
    void namedReferences() {
        assertEquals("<>&\"", HtmlUnescape.unescape("&lt;&gt;&amp;&quot;"));
        assertEquals("\u00a0", HtmlUnescape.unescape("&nbsp;"));
        assertEquals("\u2233", HtmlUnescape.unescape("&CounterClockwiseContourIntegral;"));
        assertEquals("\u22d8\u0338", HtmlUnescape.unescape("&nLl;")); // two code points
        assertEquals("&", HtmlUnescape.unescape("&amp"));
        assertEquals("<foo", HtmlUnescape.unescape("&ltfoo"));
        assertEquals("\u00acanentity;", HtmlUnescape.unescape("&notanentity;"));
        assertEquals("\u2209", HtmlUnescape.unescape("&notin;"));
        assertEquals("&unknown; &", HtmlUnescape.unescape("&unknown; &"));
        assertEquals("&EACUTE;", HtmlUnescape.unescape("&EACUTE;"));
        assertEquals("&amp;", HtmlUnescape.unescape("&amp;amp;"));
        assertEquals("&", HtmlUnescape.unescape(HtmlUnescape.unescape("&amp;amp;")));
    }

    @Test
    void numericReferences() {
        assertEquals("AA", HtmlUnescape.unescape("&#65;&#x41"));
        assertEquals("\u20ac\u0178\u0081", HtmlUnescape.unescape("&#128;&#x9F;&#129;"));
        assertEquals("\ufffd\ufffd\ufffd\ufffd", HtmlUnescape.unescape("&#0;&#xD800;&#x110000;&#99999999999999999999;"));
        assertEquals("ab", HtmlUnescape.unescape("a&#1;&#xFFFF;b"));
        assertEquals("\r", HtmlUnescape.unescape("&#13;"));
        assertEquals("&#;&#x;", HtmlUnescape.unescape("&#;&#x;"));
        assertEquals("\ud83d\ude00", HtmlUnescape.unescape("&#x1F600;"));
    }
}
