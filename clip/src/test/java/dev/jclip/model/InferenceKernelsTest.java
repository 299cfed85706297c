package dev.jclip.model;

import dev.jclip.testing.ReferenceModels;
import dev.jclip.torch.DType;
import dev.jclip.torch.OneDnn;
import dev.jclip.torch.Scope;
import dev.jclip.torch.Tensor;
import dev.jclip.torch.Torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oneDNN inference path (packed linear weights, BatchNorm folded into packed convolutions)
 * against the plain ATen path on the fixtures' models: same features, packed weights remade when
 * the parameters change in place, and the plain path whenever a gradient is wanted.
 */
class InferenceKernelsTest {
    static ReferenceModels fx;

    @BeforeAll static void load() { fx = ReferenceModels.load(); }

    @AfterAll static void free() { if (fx != null) fx.close(); }

    @AfterEach void restore() { OneDnn.setEnabled(true); }

    /** max |a - b| / max |b|. */
    private static double rel(Tensor a, Tensor b) {
        try (Scope s = Scope.open()) {
            return a.sub(b).abs().max().item() / b.abs().max().item();
        }
    }

    private static double imageGap(ClipModel m, Tensor images) {
        try (Scope s = Scope.open()) {
            OneDnn.setEnabled(true);
            Tensor fast = m.encodeImage(images);
            OneDnn.setEnabled(false);
            Tensor plain = m.encodeImage(images);
            OneDnn.setEnabled(true);
            return rel(fast, plain);
        }
    }

    @Test void oneDnnFeaturesMatchAtenOnBothTowers() {
        assumeTrue(OneDnn.available(), "libtorch without oneDNN");
        for (var pair : new Map[][]{{fx.vitWeights(), fx.vitInputs()}, {fx.resnetWeights(), fx.resnetInputs()}}) {
            @SuppressWarnings("unchecked") Map<String, Tensor> w = pair[0], in = pair[1];
            try (ClipModel m = ClipModel.fromStateDict(w); Scope s = Scope.open()) {
                assertTrue(imageGap(m, in.get("images")) < 2e-5);
                OneDnn.setEnabled(true);
                Tensor fast = m.encodeText(in.get("tokens"));
                OneDnn.setEnabled(false);
                Tensor plain = m.encodeText(in.get("tokens"));
                assertTrue(rel(fast, plain) < 2e-5, "text " + rel(fast, plain));
            }
        }
    }

    /** An in-place write (an optimizer step, a BatchNorm statistics update) invalidates the packed copies. */
    @Test void packedWeightsFollowInPlaceChanges() {
        assumeTrue(OneDnn.available(), "libtorch without oneDNN");
        for (var pair : new Map[][]{{fx.vitWeights(), fx.vitInputs()}, {fx.resnetWeights(), fx.resnetInputs()}}) {
            @SuppressWarnings("unchecked") Map<String, Tensor> w = pair[0], in = pair[1];
            try (ClipModel m = ClipModel.fromStateDict(w); Scope s = Scope.open()) {
                Tensor before = m.encodeImage(in.get("images"));   // packs
                try (var g = Torch.noGrad()) {
                    for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
                        // every linear/conv weight and BatchNorm variance of the image tower, scaled in place
                        if (e.getKey().startsWith("visual.") && (e.getKey().endsWith("weight") || e.getKey().endsWith("running_var"))
                                && e.getValue().dtype() == DType.F32) {
                            e.getValue().mul_(1.5);
                        }
                    }
                }
                double changed = rel(m.encodeImage(in.get("images")), before);
                assertTrue(changed > 1e-3, "features did not change after the weights did: " + changed);
                assertTrue(imageGap(m, in.get("images")) < 2e-5, "packed weights are stale");
            }
        }
    }

    /** With gradients wanted the plain ops run (oneDNN's inference kernels have no backward). */
    @Test void gradientsStillFlowThroughTheModel() {
        for (var pair : new Map[][]{{fx.vitWeights(), fx.vitInputs()}, {fx.resnetWeights(), fx.resnetInputs()}}) {
            @SuppressWarnings("unchecked") Map<String, Tensor> w = pair[0], in = pair[1];
            try (ClipModel m = ClipModel.fromStateDict(w); Scope s = Scope.open()) {
                m.encodeImage(in.get("images"));                   // packs for inference first
                Tensor images = in.get("images").detach().copy().requiresGrad(true);
                m.encodeImage(images).square().sum().backward();
                assertNotNull(images.grad(), "no gradient for the input");
                m.requiresGrad(true);
                m.encodeImage(in.get("images")).square().sum().backward();
                assertNotNull(m.visual().conv1Weight().get().grad(), "no gradient for conv1");
            }
        }
    }
}
