package dev.jclip.samples;

import dev.jclip.embed.BulkEmbedder;
import dev.jclip.progress.ProgressListener;
import dev.jclip.embed.EmbeddingReader;
import dev.jclip.embed.ImageSources;
import dev.jclip.eval.EvalModel;
import dev.jclip.index.VectorIndex;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code clip index --checkpoint M --out INDEX (SRC... | --list FILE | --embeddings DIR) [--append]}:
 * builds (or adds to) a Lucene HNSW index of image embeddings with their paths; the model is
 * recorded in the index so {@code clip search} needs no {@code --checkpoint}. Images already in an
 * index are skipped with {@code --append}, so re-running over a grown folder adds only the new
 * ones. Each batch is committed as it is embedded.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build or extend a vector index (Lucene HNSW) of image embeddings for clip search.")
public final class IndexCommand implements Callable<Integer> {
    /** Needed for images; with --append it defaults to the model the index records. */
    @Mixin RecordedCheckpointOptions ckpt;

    @Option(names = "--out", required = true, description = "Index folder (new, or existing with --append).")
    Path out;

    @Option(names = "--append", description = "Add to an existing index (images already in it are skipped).")
    boolean append;

    static final class Source {
        @Parameters(arity = "1..*", paramLabel = "SRC", description = "Image files, folders, globs or WebDataset shards.")
        List<String> images;
        @Option(names = "--list", paramLabel = "FILE", description = "A file of image paths, one per line.")
        Path list;
        @Option(names = "--embeddings", paramLabel = "DIR", description = "A folder written by clip embed (no model run).")
        Path embeddings;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--batch", defaultValue = "64", description = "Images per model batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", description = "Decoding threads (default: cores - 1, at least 1).")
    Integer workers;

    @Option(names = {"-m", "--hnsw-m"}, defaultValue = "16", description = "HNSW graph degree (default ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--beam", defaultValue = "100", description = "HNSW construction beam width (default ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--progress", defaultValue = "auto", description = "auto (a bar on a terminal, lines in a log) | bar | lines | none")
    String progress;

    @Override public Integer call() {
        if (source.embeddings != null) return fromEmbeddings();
        ImageSources src = ImageSources.of(source.images == null ? List.of() : source.images, source.list);
        guard().inputs("SRC", src.roots()).refuse();
        ckpt.options(); // a bad --device or --dtype fails before anything is read
        Map<String, String> existing = null;
        if (append) {
            try (VectorIndex ix = VectorIndex.open(out)) { existing = ix.info(); }
        }
        try (EvalModel em = ckpt.open(existing, "--checkpoint is needed to embed images")) {
            Map<String, String> info = Models.describe(em);
            if (existing != null && !existing.get("config").equals(info.get("config"))) {
                throw new IllegalArgumentException(out + " holds vectors of another model (" + existing.get("checkpoint") + "); use the same --checkpoint");
            }
            try (VectorIndex ix = append ? VectorIndex.open(out) : VectorIndex.create(out, em.model().architecture().embedDim(), info, m, beam)) {
                Set<String> have = append ? ix.keys() : Set.of();
                ProgressListener p = ConsoleProgress.create(progress, "10s");
                BulkEmbedder.Stats st = new BulkEmbedder(Models.embedder(em), batch, EmbedCommand.threads(workers)).progress(p, have.size())
                        .run(src, have::contains, ix, ConsoleProgress.skipped(p), src.count());
                System.out.println(String.format(Locale.ROOT, "indexed %d images into %s (%d in total, %.1f img/s)%s%s", st.embedded(), out,
                        ix.size(), st.imagesPerSecond(), st.skipped() > 0 ? ", " + st.skipped() + " already there" : "",
                        st.failed() > 0 ? ", " + st.failed() + " skipped as unreadable" : ""));
                return st.failed() > 0 ? 1 : 0;
            }
        }
    }

    /** --out must not be, hold or be held by an input (the index owns its whole folder). */
    private OutputFolder guard() {
        return new OutputFolder(out, "--out").input("--checkpoint", ckpt.checkpoint).input("--vocab", ckpt.vocab).input("--list", source.list);
    }

    private int fromEmbeddings() {
        guard().input("--embeddings", source.embeddings).refuse();
        EmbeddingReader r = EmbeddingReader.open(source.embeddings);
        try (VectorIndex ix = append ? VectorIndex.open(out) : VectorIndex.create(out, r.dim(), r.model(), m, beam)) {
            if (ix.dim() != r.dim()) throw new IllegalArgumentException(out + " holds " + ix.dim() + "-d vectors, " + source.embeddings + " " + r.dim() + "-d");
            long[] n = {0};
            r.forEachChunk((keys, v) -> { ix.accept(keys, v); n[0] += keys.size(); });
            System.out.println("indexed " + n[0] + " vectors from " + source.embeddings + " into " + out + " (" + ix.size() + " in total)");
        }
        return 0;
    }
}
