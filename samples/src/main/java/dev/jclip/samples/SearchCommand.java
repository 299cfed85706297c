package dev.jclip.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jclip.embed.ClipEmbedder;
import dev.jclip.embed.ImageInput;
import dev.jclip.eval.EvalModel;
import dev.jclip.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code clip search --index INDEX ("text" | --image FILE) [--top K] [--json] [--exact]}: the
 * closest images of an index, best first, with cosine similarities. The query is embedded with the
 * model the index records ({@code --checkpoint} overrides it).
 */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search an index by text or by image.")
public final class SearchCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "Index folder written by clip index.")
    Path index;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "Text query.")
    String text;

    @Option(names = "--image", description = "Image query (a file).")
    Path image;

    @Option(names = {"-k", "--top"}, defaultValue = "10", description = "Number of results (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--ef", defaultValue = "100", description = "HNSW candidates explored (recall vs speed; default ${DEFAULT-VALUE}).")
    int ef;

    @Option(names = "--exact", description = "Exact cosine top-k over every vector (libtorch matmuls) instead of HNSW.")
    boolean exact;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    /** Default: the model (and tokenizer) the index records. */
    @Mixin RecordedCheckpointOptions ckpt;

    @Override public Integer call() throws Exception {
        if ((text == null) == (image == null)) throw new IllegalArgumentException("give either a text query or --image FILE");
        if (top < 1) throw new IllegalArgumentException("--top must be >= 1, got " + top);
        try (VectorIndex ix = VectorIndex.open(index)) {
            float[] q;
            try (EvalModel m = ckpt.open(ix.info(), index + " records no model; pass --checkpoint")) {
                RecordedCheckpointOptions.requireSameDim(m, index, ix);
                ClipEmbedder e = Models.embedder(m);
                q = text != null ? e.embedText(text) : e.embedImage(ImageInput.of(image));
            }
            long t0 = System.nanoTime();
            List<VectorIndex.Hit> hits = exact ? ix.exact(q, top) : ix.search(q, top, ef);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (json) {
                ObjectMapper om = new ObjectMapper();
                ObjectNode n = om.createObjectNode();
                n.put("query", text != null ? text : image.toString()).put("exact", exact).put("millis", ms);
                ArrayNode a = n.putArray("results");
                for (VectorIndex.Hit h : hits) a.addObject().put("path", h.key()).put("score", h.score());
                System.out.println(om.writeValueAsString(n));
            } else {
                for (VectorIndex.Hit h : hits) System.out.println(String.format(Locale.ROOT, "%.4f  %s", h.score(), h.key()));
                System.err.println(String.format(Locale.ROOT, "%d results of %d (%s, %.1f ms)", hits.size(), ix.size(), exact ? "exact" : "HNSW ef " + ef, ms));
            }
        }
        return 0;
    }
}
