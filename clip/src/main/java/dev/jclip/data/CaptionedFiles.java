package dev.jclip.data;

import dev.jclip.image.ClipPreprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Image-caption pairs from a caption folder ({@link CaptionFolder}: each image {@code x.jpg} with
 * its captions in {@code x.txt}, one per line) or from a CSV/TSV file with a header naming the image column ({@code filepath}, {@code path}
 * or {@code image}) and the caption column ({@code title}, {@code caption} or {@code text});
 * relative paths are resolved against the CSV's folder. Images are decoded and preprocessed
 * exactly as CLIP does ({@link ClipPreprocess}) on the loader's threads.
 *
 * <pre>{@code
 * ImageTextDataset ds = CaptionedFiles.open(Path.of("pairs.csv"), 224);
 * }</pre>
 */
public final class CaptionedFiles implements ImageTextDataset {
    private final List<Path> images;
    private final List<String> captions;
    private final ClipPreprocess preprocess;

    public CaptionedFiles(List<Path> images, List<String> captions, int imageSize) {
        this(images, captions, new ClipPreprocess(imageSize));
    }

    /** With a given transform (a fine-tuned checkpoint's own: {@code ImageTransform.preprocess(resolution)}). */
    public CaptionedFiles(List<Path> images, List<String> captions, ClipPreprocess preprocess) {
        if (images.size() != captions.size()) throw new IllegalArgumentException(images.size() + " images but " + captions.size() + " captions");
        if (images.isEmpty()) throw new IllegalArgumentException("no image-caption pairs");
        this.images = List.copyOf(images);
        this.captions = List.copyOf(captions);
        this.preprocess = preprocess;
    }

    /** A folder of images with {@code .txt} captions, or a {@code .csv}/{@code .tsv} file. */
    public static CaptionedFiles open(Path source, int imageSize) {
        return open(source, new ClipPreprocess(imageSize));
    }

    /** As {@link #open(Path, int)}, images fed through {@code preprocess}. */
    public static CaptionedFiles open(Path source, ClipPreprocess preprocess) {
        if (Files.isDirectory(source)) return fromFolder(source, preprocess);
        if (Files.isRegularFile(source)) return fromCsv(source, preprocess);
        throw new IllegalArgumentException("no such folder or CSV file: " + source);
    }

    /** Every (image, caption) pair of a {@link CaptionFolder}: an image with three caption lines gives three examples. */
    static CaptionedFiles fromFolder(Path dir, ClipPreprocess preprocess) {
        CaptionFolder folder = CaptionFolder.scan(dir);
        int[] imageOf = folder.imageOfCaption();
        List<Path> imgs = new ArrayList<>(imageOf.length);
        for (int i : imageOf) imgs.add(folder.images().get(i));
        return new CaptionedFiles(imgs, folder.captions(), preprocess);
    }

    static CaptionedFiles fromCsv(Path file, ClipPreprocess preprocess) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty");
        char sep = file.toString().toLowerCase(Locale.ROOT).endsWith(".tsv") || lines.get(0).contains("\t") ? '\t' : ',';
        List<String> header = splitCsv(lines.get(0), sep, file, 1);
        int ic = column(header, file, "filepath", "path", "image");
        int cc = column(header, file, "title", "caption", "text");
        List<Path> imgs = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        Path base = file.toAbsolutePath().getParent();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            List<String> f = splitCsv(lines.get(i), sep, file, i + 1);
            if (f.size() <= Math.max(ic, cc)) throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + f.size() + " fields, expected " + header.size());
            imgs.add(base.resolve(f.get(ic)));
            caps.add(f.get(cc));
        }
        return new CaptionedFiles(imgs, caps, preprocess);
    }

    private static int column(List<String> header, Path file, String... names) {
        for (String n : names) {
            for (int i = 0; i < header.size(); i++) if (header.get(i).strip().equalsIgnoreCase(n)) return i;
        }
        throw new IllegalArgumentException(file + ": header " + header + " has none of the columns " + List.of(names));
    }

    /** One CSV record on one line: fields split at {@code sep}, double quotes group and {@code ""} escapes. */
    static List<String> splitCsv(String line, char sep, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"' && cur.isEmpty()) quoted = true;
            else if (c == sep) { out.add(cur.toString()); cur.setLength(0); }
            else cur.append(c);
        }
        if (quoted) throw new IllegalArgumentException(file + " line " + lineNo + ": unterminated quote");
        out.add(cur.toString());
        return out;
    }

    @Override public int size() { return images.size(); }

    /**
     * A digest of the pairs (image paths and captions, in order) and their count, e.g.
     * {@code 1200 pairs sha256:3f2a...}: what a resumed run compares to refuse changed data.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < images.size(); i++) {
                md.update(images.get(i).toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(captions.get(i).getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return images.size() + " pairs sha256:" + java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public int imageSize() { return preprocess.size(); }

    @Override public Example get(int index) {
        return new Example(preprocess.preprocess(images.get(index)), captions.get(index), -1);
    }
}
