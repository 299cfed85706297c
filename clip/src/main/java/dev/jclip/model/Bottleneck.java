package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;

/**
 * The reference's anti-aliased ResNet bottleneck (expansion 4): 1x1 conv, 3x3 conv, then an
 * average pool of the stride (instead of a strided conv), 1x1 conv; the shortcut, when the shape
 * changes, is {@code AvgPool2d(stride)} then a 1x1 conv and BatchNorm (keys {@code downsample.0},
 * {@code downsample.1}; the pool is the parameter-free {@code downsample.-1}).
 *
 * <pre>{@code
 * var block = new Bottleneck(store, "visual.layer2.0", 256, 128, 2);
 * Tensor y = block.forward(x);   // [N, 512, H/2, W/2]
 * }</pre>
 */
public final class Bottleneck extends Module {
    public static final int EXPANSION = 4;

    private final Conv2d conv1, conv2, conv3;
    private final BatchNorm2d bn1, bn2, bn3;
    private final Conv2d downsampleConv;
    private final BatchNorm2d downsampleBn;
    private final long stride;
    private final PackedCache packed1, packed2, packed3, packedDown;

    public Bottleneck(ParameterStore store, String prefix, long inplanes, long planes, long stride) {
        super(store, prefix);
        this.stride = stride;
        conv1 = new Conv2d(store, child("conv1"), inplanes, planes, 1, 1, 0);
        bn1 = new BatchNorm2d(store, child("bn1"), planes);
        conv2 = new Conv2d(store, child("conv2"), planes, planes, 3, 1, 1);
        bn2 = new BatchNorm2d(store, child("bn2"), planes);
        conv3 = new Conv2d(store, child("conv3"), planes, planes * EXPANSION, 1, 1, 0);
        bn3 = new BatchNorm2d(store, child("bn3"), planes * EXPANSION);
        if (stride > 1 || inplanes != planes * EXPANSION) {
            downsampleConv = new Conv2d(store, child("downsample") + "0", inplanes, planes * EXPANSION, 1, 1, 0);
            downsampleBn = new BatchNorm2d(store, child("downsample") + "1", planes * EXPANSION);
        } else {
            downsampleConv = null;
            downsampleBn = null;
        }
        packed1 = store.packedCache();
        packed2 = store.packedCache();
        packed3 = store.packedCache();
        packedDown = store.packedCache();
    }

    public Tensor forward(Tensor x) {
        try (Scope s = Scope.open()) {
            // relu(bn(conv(x))); FastPath folds each BatchNorm into its convolution in inference
            Tensor out = FastPath.convBn(packed1, conv1, bn1, x, true);
            out = FastPath.convBn(packed2, conv2, bn2, out, true);
            if (stride > 1) out = F.avgPool2d(out, stride, stride, 0);
            out = FastPath.convBn(packed3, conv3, bn3, out, false);
            Tensor identity = x;
            if (downsampleConv != null) {
                Tensor pooled = stride > 1 ? F.avgPool2d(x, stride, stride, 0) : x;
                identity = FastPath.convBn(packedDown, downsampleConv, downsampleBn, pooled, false);
            }
            return s.keep(out.add(identity).relu());
        }
    }
}
