package dev.jclip.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jclip.io.Safetensors;
import dev.jclip.io.StateDict;
import dev.jclip.io.TensorData;
import dev.jclip.progress.Notices;
import dev.jclip.torch.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Caches zero-shot classifier weights in safetensors files so that the text tower runs once per
 * (checkpoint, tokenizer, classes, templates): the key is a SHA-256 over the checkpoint's
 * absolute path, size and modification time (cheap, and changes whenever the file is rewritten),
 * the tokenizer description, the class names and the templates. The file {@code <key>.safetensors}
 * holds tensor {@code classifier} float32 {@code [classes, D]} (unit rows) and metadata
 * {@code key}, {@code classes}, {@code templates} (JSON), so a stale or foreign file is detected
 * and rebuilt instead of trusted.
 *
 * <pre>{@code
 * ClassifierCache cache = new ClassifierCache(ClassifierCache.defaultDir());
 * ZeroShotClassifier zs = cache.getOrBuild(checkpoint, "bpe:vocab.txt.gz", classes, templates,
 *         () -> ZeroShotClassifier.build(model, tokenizer, classes, templates, 256));
 * cache.lastWasHit();   // true the second time
 * }</pre>
 */
public final class ClassifierCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private boolean lastHit;
    private Path lastFile;

    public ClassifierCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $JCLIP_CACHE/zeroshot}, else {@code $XDG_CACHE_HOME/jclip/zeroshot}, else {@code ~/.cache/jclip/zeroshot}. */
    public static Path defaultDir() {
        String env = System.getenv("JCLIP_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env, "zeroshot");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jclip").resolve("zeroshot");
    }

    /** The cache key (hex SHA-256) of a classifier built from these inputs. */
    public static String key(Path checkpoint, String tokenizer, List<String> classes, PromptTemplates templates) {
        try {
            BasicFileAttributes a = Files.readAttributes(checkpoint, BasicFileAttributes.class);
            // A fixed field order: Map.of iterates in a per-JVM order, which made every run a cache miss.
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            fields.put("checkpoint", checkpoint.toAbsolutePath().normalize().toString());
            fields.put("size", a.size());
            fields.put("mtime_ns", a.lastModifiedTime().toInstant().getEpochSecond() * 1_000_000_000L + a.lastModifiedTime().toInstant().getNano());
            fields.put("tokenizer", tokenizer);
            fields.put("classes", classes);
            fields.put("templates", templates.templates());
            String text = JSON.writeValueAsString(fields);
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat checkpoint " + checkpoint, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached classifier for these inputs, or {@code build}'s result (then stored). */
    public ZeroShotClassifier getOrBuild(Path checkpoint, String tokenizer, List<String> classes, PromptTemplates templates,
                                         Supplier<ZeroShotClassifier> build) {
        String key = key(checkpoint, tokenizer, classes, templates);
        Path file = dir.resolve(key.substring(0, 32) + ".safetensors");
        lastFile = file;
        ZeroShotClassifier cached = Files.isRegularFile(file) ? read(file, key, classes) : null;
        lastHit = cached != null;
        if (cached != null) return cached;
        ZeroShotClassifier zs = build.get();
        write(file, key, zs, templates);
        return zs;
    }

    /** Whether the last {@link #getOrBuild} was served from the cache. */
    public boolean lastWasHit() { return lastHit; }

    /** The file the last {@link #getOrBuild} read or wrote. */
    public Path lastFile() { return lastFile; }

    /** Writes {@code zs} to {@code file} (atomically). */
    public static void write(Path file, String key, ZeroShotClassifier zs, PromptTemplates templates) {
        Features w = zs.weights();
        try (Arena arena = Arena.ofConfined()) {
            Map<String, TensorData> t = Map.of("classifier", TensorData.contiguous(DType.F32, new long[]{w.rows(), w.dim()},
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.data())));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("key", key);
            meta.put("classes", JSON.writeValueAsString(zs.classes()));
            meta.put("templates", JSON.writeValueAsString(templates.templates()));
            meta.put("producer", "jclip zero-shot");
            Safetensors.write(file, t, meta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classifier in {@code file} if its key and classes match, else null (a stale or damaged file is rebuilt). */
    static ZeroShotClassifier read(Path file, String key, List<String> classes) {
        try (StateDict sd = Safetensors.read(file)) {
            if (!key.equals(sd.metadata().get("key")) || !sd.contains("classifier")) return null;
            List<String> names = List.of(JSON.readValue(sd.metadata().get("classes"), String[].class));
            TensorData w = sd.get("classifier");
            if (!names.equals(classes) || w.dtype() != DType.F32 || w.dim() != 2 || w.size(0) != classes.size()) return null;
            return new ZeroShotClassifier(names, new Features(w.toFloatArray(), (int) w.size(0), (int) w.size(1)));
        } catch (RuntimeException | IOException e) {
            Notices.info("zero-shot cache: ignoring unreadable " + file + " (" + e.getMessage() + "); rebuilding");
            return null;
        }
    }
}
