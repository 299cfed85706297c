package dev.jclip.model;

import dev.jclip.torch.DType;
import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;

import java.util.Arrays;
import java.util.List;

/**
 * Resizes an image tower's positional embedding ({@code [1 + g*g, W]}: one leading class/mean
 * token row, then a square g x g grid in row-major order) to another grid, so that a model can
 * take images of another size than it was trained for. The grid part is resampled with bicubic
 * interpolation ({@code align_corners=False}, as Hugging Face's {@code interpolate_pos_encoding}
 * and open_clip's {@code resize_pos_embed}); the leading row is kept unchanged.
 *
 * <pre>{@code
 * Tensor pe336 = PositionalEmbedding.resize(pe224, 24, 24);   // ViT-L/14: 16x16 -> 24x24
 * }</pre>
 */
public final class PositionalEmbedding {
    private PositionalEmbedding() {}

    /** The embedding for a {@code gridH x gridW} grid; a new tensor even when the grid is unchanged. */
    public static Tensor resize(Tensor pe, long gridH, long gridW) {
        long[] s = pe.shape();
        if (s.length != 2) throw new IllegalArgumentException("positional embedding must be [1 + g*g, W], got " + Arrays.toString(s));
        long g = Math.round(Math.sqrt(s[0] - 1));
        if (g * g + 1 != s[0]) {
            throw new IllegalArgumentException("positional embedding has " + s[0] + " rows, not 1 + g*g for a square grid");
        }
        if (gridH <= 0 || gridW <= 0) throw new IllegalArgumentException("target grid must be positive, got " + gridH + "x" + gridW);
        try (Scope sc = Scope.open()) {
            if (g == gridH && g == gridW) return sc.keep(pe.copy());
            DType dt = pe.dtype();
            // bicubic upsampling has no half-precision CPU kernel everywhere: resample in float32 (float64 stays)
            DType compute = dt == DType.F64 ? DType.F64 : DType.F32;
            Tensor head = pe.narrow(0, 0, 1);
            Tensor grid = pe.narrow(0, 1, g * g).to(compute).reshape(1, g, g, s[1]).permute(0, 3, 1, 2);
            Tensor resized = F.interpolateBicubic(grid, gridH, gridW, false)
                    .permute(0, 2, 3, 1).reshape(gridH * gridW, s[1]).to(dt);
            return sc.keep(Torch.cat(List.of(head, resized), 0));
        }
    }
}
