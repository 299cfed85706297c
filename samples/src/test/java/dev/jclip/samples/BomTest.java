package dev.jclip.samples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code jclip-bom} does not inherit the parent (so that importing it brings nothing but jclip's
 * versions), which means it repeats a few versions by hand: they must agree with the build's, and
 * it must name every library module.
 */
class BomTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test void bomVersionsAgreeWithTheBuild() throws Exception {
        Document root = read(ROOT.resolve("pom.xml")), bom = read(ROOT.resolve("bom/pom.xml"));
        assertEquals(text(root.getDocumentElement(), "version"), text(bom.getDocumentElement(), "version"), "BOM version");
        for (String p : List.of("javacpp.version")) {
            assertEquals(text(props(root), p), text(props(bom), p), p);
        }
        assertEquals(text(root.getDocumentElement(), "version"), text(props(bom), "jclip.version"), "jclip.version");
        for (String p : List.of("pytorch.version", "openblas.version")) assertEquals(text(props(root), p), text(props(bom), p), p);
        List<String> managed = new ArrayList<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            managed.add(text(d, "groupId") + ":" + text(d, "artifactId"));
        }
        for (String module : List.of("bindings", "clip", "index")) {
            String id = text(read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId");
            assertTrue(managed.contains("dev.jclip:" + id), "the BOM does not manage dev.jclip:" + id + ": " + managed);
        }
        assertFalse(managed.contains("dev.jclip:jclip-samples"), "the command line is not a library to depend on");
        assertNull(bom.getDocumentElement().getElementsByTagName("parent").item(0), "the BOM must not inherit the parent");
    }

    private static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element props(Document d) {
        return (Element) d.getDocumentElement().getElementsByTagName("properties").item(0);
    }

    /** The text of {@code e}'s direct child {@code tag}. */
    private static String text(Element e, String tag) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) return c.getTextContent().strip();
        }
        throw new AssertionError("no <" + tag + "> in <" + e.getTagName() + ">");
    }
}
