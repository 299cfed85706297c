package dev.jclip.data;

import dev.jclip.torch.DType;
import dev.jclip.torch.Device;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.List;

/**
 * A batch of preprocessed images ({@code [n, 3, size, size]} floats, row-major) with their captions
 * and labels (-1 where unknown), and optionally the same pixels already staged in pinned host memory
 * by a loader worker ({@link #staged(Device)}), so that the training thread only queues an
 * asynchronous copy to the GPU.
 *
 * <pre>{@code
 * try (Tensor x = batch.images(Device.CPU)) { ... }
 * }</pre>
 *
 * @param pinned the pixels as a pinned float32 tensor, or null; {@link #images} consumes (closes) it
 */
public record Batch(float[] pixels, int size, List<String> captions, int[] labels, Tensor pinned) {
    public Batch(float[] pixels, int size, List<String> captions, int[] labels) { this(pixels, size, captions, labels, null); }

    public Batch {
        int n = captions.size();
        if (labels.length != n || pixels.length != (long) n * 3 * size * size) {
            throw new IllegalArgumentException("batch of " + n + " captions has " + labels.length + " labels and "
                    + pixels.length + " floats (expected " + ((long) n * 3 * size * size) + " for " + size + " px)");
        }
    }

    public int count() { return captions.size(); }

    /**
     * The images as a float32 tensor {@code [n, 3, size, size]} on {@code device}. From a staged
     * batch to a GPU the copy is asynchronous (and the pinned buffer is released).
     */
    public Tensor images(Device device) {
        if (pinned != null && device.isCuda()) {
            try (Tensor p = pinned) { return p.toNonBlocking(device); }
        }
        Tensor host = Torch.of(pixels, count(), 3, size, size);
        if (device.equals(Device.CPU)) return host;
        try (host) { return host.to(device, DType.F32); }
    }

    /**
     * This batch with its pixels copied into pinned host memory when {@code device} is a GPU (a
     * loader worker calls this, off the training thread); otherwise this batch.
     */
    public Batch staged(Device device) {
        if (!device.isCuda() || pinned != null) return this;
        try (Tensor host = Torch.of(pixels, count(), 3, size, size)) {
            return new Batch(pixels, size, captions, labels, host.pinned().keep());
        }
    }

    /** Assembles examples into a batch. */
    public static Batch of(List<Example> examples, int size) {
        int per = 3 * size * size;
        float[] px = new float[examples.size() * per];
        String[] caps = new String[examples.size()];
        int[] labels = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            if (e.image().length != per) {
                throw new IllegalArgumentException("example " + i + " has " + e.image().length + " floats, expected " + per + " (" + size + " px)");
            }
            System.arraycopy(e.image(), 0, px, i * per, per);
            caps[i] = e.caption();
            labels[i] = e.label();
        }
        return new Batch(px, size, List.of(caps), labels);
    }
}
