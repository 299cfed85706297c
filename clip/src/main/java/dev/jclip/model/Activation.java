package dev.jclip.model;

import dev.jclip.torch.F;
import dev.jclip.torch.Tensor;

/**
 * The activation inside a transformer block's MLP. OpenAI's released models (and open_clip's
 * {@code -quickgelu} configs) use QuickGELU; every other open_clip model and HF's LAION
 * conversions use exact GELU; a few HF configs name the tanh approximation.
 *
 * <pre>{@code
 * Activation a = Activation.fromHuggingFace("gelu");   // GELU
 * Tensor y = a.apply(x);
 * }</pre>
 */
public enum Activation {
    /** {@code x * sigmoid(1.702 x)}: OpenAI's {@code QuickGELU}, HF {@code "quick_gelu"}. */
    QUICK_GELU("quick_gelu"),
    /** {@code nn.GELU()} (erf form): open_clip's default, HF {@code "gelu"}. */
    GELU("gelu"),
    /** {@code nn.GELU(approximate="tanh")}: HF {@code "gelu_pytorch_tanh"} / {@code "gelu_new"}. */
    GELU_TANH("gelu_pytorch_tanh");

    private final String hfName;

    Activation(String hfName) { this.hfName = hfName; }

    /** The name HF configs use ({@code hidden_act}). */
    public String hfName() { return hfName; }

    public Tensor apply(Tensor x) {
        return switch (this) {
            case QUICK_GELU -> F.quickGelu(x);
            case GELU -> F.gelu(x, false);
            case GELU_TANH -> F.gelu(x, true);
        };
    }

    /** The activation an HF {@code hidden_act} names, or null when jclip has none of that name. */
    public static Activation fromHuggingFace(String name) {
        return switch (name) {
            case "quick_gelu" -> QUICK_GELU;
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new" -> GELU_TANH;
            default -> null;
        };
    }
}
