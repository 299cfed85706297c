package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's ResNet image tower (keys under {@code visual.}): a 3-convolution stem
 * ({@code conv1} stride 2, {@code conv2}, {@code conv3}, each with BatchNorm and ReLU) and a
 * 2x2 average pool instead of a max pool, four stages {@code layer1..layer4} of
 * {@link Bottleneck}s (stride 1, 2, 2, 2), and an {@link AttentionPool2d} over the final
 * {@code resolution/32} grid with {@code width*32/64} heads.
 *
 * <pre>{@code
 * var rn50 = new ModifiedResNet(store, "visual", new int[]{3, 4, 6, 3}, 1024, 32, 224, 64);
 * Tensor f = rn50.forward(images);   // [N, 1024]
 * }</pre>
 */
public final class ModifiedResNet extends Module implements VisionTower {
    private final int inputResolution;
    private final Conv2d conv1, conv2, conv3;
    private final BatchNorm2d bn1, bn2, bn3;
    private final List<List<Bottleneck>> stages = new ArrayList<>();
    private final AttentionPool2d attnpool;
    private final PackedCache packed1, packed2, packed3;

    public ModifiedResNet(ParameterStore store, String prefix, int[] layers, int outputDim, int heads,
                          int inputResolution, int width) {
        super(store, prefix);
        if (layers.length != 4) throw new IllegalArgumentException("ModifiedResNet needs 4 stage depths");
        this.inputResolution = inputResolution;
        conv1 = new Conv2d(store, child("conv1"), 3, width / 2, 3, 2, 1);
        bn1 = new BatchNorm2d(store, child("bn1"), width / 2);
        conv2 = new Conv2d(store, child("conv2"), width / 2, width / 2, 3, 1, 1);
        bn2 = new BatchNorm2d(store, child("bn2"), width / 2);
        conv3 = new Conv2d(store, child("conv3"), width / 2, width, 3, 1, 1);
        bn3 = new BatchNorm2d(store, child("bn3"), width);
        long inplanes = width;
        for (int stage = 0; stage < 4; stage++) {
            long planes = (long) width << stage;
            List<Bottleneck> blocks = new ArrayList<>();
            for (int b = 0; b < layers[stage]; b++) {
                String key = child("layer" + (stage + 1)) + b;
                blocks.add(new Bottleneck(store, key, inplanes, planes, stage > 0 && b == 0 ? 2 : 1));
                inplanes = planes * Bottleneck.EXPANSION;
            }
            stages.add(blocks);
        }
        packed1 = store.packedCache();
        packed2 = store.packedCache();
        packed3 = store.packedCache();
        attnpool = new AttentionPool2d(store, child("attnpool"), inputResolution / 32, width * 32L, heads, outputDim);
    }

    @Override public int inputResolution() { return inputResolution; }

    @Override public Parameter conv1Weight() { return conv1.weight(); }

    @Override public Tensor forward(Tensor images) {
        try (Scope s = Scope.open()) {
            Tensor x = images.to(conv1.weight().get().dtype());
            // relu(bn(conv(x))); FastPath folds each BatchNorm into its convolution in inference
            x = FastPath.convBn(packed1, conv1, bn1, x, true);
            x = FastPath.convBn(packed2, conv2, bn2, x, true);
            x = FastPath.convBn(packed3, conv3, bn3, x, true);
            x = F.avgPool2d(x, 2, 2, 0);
            for (List<Bottleneck> stage : stages) for (Bottleneck b : stage) x = b.forward(x);
            return s.keep(attnpool.forward(x));
        }
    }
}
