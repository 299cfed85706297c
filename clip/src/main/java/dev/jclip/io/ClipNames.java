package dev.jclip.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps CLIP parameter names of other implementations onto OpenAI's (openai/CLIP
 * {@code clip/model.py}), the canonical names of jclip, so that one loader feeds one model:
 * <ul>
 *   <li>wrappers: a {@code module.} (DistributedDataParallel) or {@code _orig_mod.}
 *       ({@code torch.compile}) prefix on every name is removed;</li>
 *   <li>open_clip: the names are OpenAI's, except that {@code CustomTextCLIP} keeps the text tower
 *       under {@code text.} (its {@code text.text_projection} may be a Linear: transposed);</li>
 *   <li>Hugging Face {@code CLIPModel}: {@code text_model.* / vision_model.*} renamed, separate
 *       q/k/v projections concatenated into {@code in_proj_weight/in_proj_bias} (q, k, v order),
 *       {@code text_projection.weight} / {@code visual_projection.weight} transposed (zero-copy
 *       views) into {@code text_projection} / {@code visual.proj}, {@code position_ids} dropped.</li>
 * </ul>
 * A {@code logit_scale} of shape [1] becomes the 0-d scalar open_clip and OpenAI declare.
 * Names without a counterpart are kept as they are (a strict model loader then reports them).
 *
 * <pre>{@code
 * try (StateDict hf = Safetensors.read(Path.of("model.safetensors"));
 *      StateDict sd = ClipNames.toOpenAI(hf)) {   // shares hf's arena: closing both is fine
 *     TensorData qkv = sd.get("transformer.resblocks.0.attn.in_proj_weight");
 * }
 * }</pre>
 */
public final class ClipNames {
    /** Naming conventions recognised by {@link #detect}. */
    public enum Style { OPENAI, OPEN_CLIP, HUGGING_FACE }

    private static final Pattern HF_LAYER = Pattern.compile("^(text_model|vision_model)\\.encoder\\.layers\\.(\\d+)\\.(.+)$");
    private static final Pattern HF_QKV = Pattern.compile("^self_attn\\.([qkv])_proj\\.(weight|bias)$");
    private static final Map<String, String> HF_LAYER_PARTS = Map.of(
            "self_attn.out_proj.", "attn.out_proj.",
            "layer_norm1.", "ln_1.",
            "layer_norm2.", "ln_2.",
            "mlp.fc1.", "mlp.c_fc.",
            "mlp.fc2.", "mlp.c_proj.");
    private static final Map<String, String> HF_FIXED = Map.ofEntries(
            Map.entry("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
            Map.entry("text_model.embeddings.position_embedding.weight", "positional_embedding"),
            Map.entry("text_model.final_layer_norm.weight", "ln_final.weight"),
            Map.entry("text_model.final_layer_norm.bias", "ln_final.bias"),
            Map.entry("vision_model.embeddings.class_embedding", "visual.class_embedding"),
            Map.entry("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
            Map.entry("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
            Map.entry("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"), // sic: HF's spelling
            Map.entry("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
            Map.entry("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
            Map.entry("vision_model.post_layernorm.bias", "visual.ln_post.bias"),
            Map.entry("logit_scale", "logit_scale"));
    private static final String[] OPEN_CLIP_TEXT = {"token_embedding.", "positional_embedding", "transformer.", "ln_final.", "text_projection"};

    private ClipNames() {}

    /** The naming convention of {@code names} (after wrapper prefixes are removed). */
    public static Style detect(Collection<String> names) {
        String p = wrapperPrefix(names);
        boolean openClip = false;
        for (String n : names) {
            String s = n.substring(p.length());
            if (s.startsWith("text_model.") || s.startsWith("vision_model.")) return Style.HUGGING_FACE;
            if (s.startsWith("text.")) openClip = true;
        }
        return openClip || !p.isEmpty() ? Style.OPEN_CLIP : Style.OPENAI;
    }

    /**
     * {@code sd} with OpenAI's names; merged q/k/v tensors are allocated in {@code sd.arena()}.
     * The result shares {@code sd}'s arena (closing either releases both).
     */
    public static StateDict toOpenAI(StateDict sd) {
        return sd.withTensors(toOpenAI(sd.tensors(), sd.arena(), sd.source()));
    }

    /** The same mapping on a plain map; {@code arena} receives the merged q/k/v copies. */
    public static Map<String, TensorData> toOpenAI(Map<String, TensorData> in, Arena arena) {
        return toOpenAI(in, arena, null);
    }

    private static Map<String, TensorData> toOpenAI(Map<String, TensorData> in, Arena arena, Path file) {
        String p = wrapperPrefix(in.keySet());
        Map<String, TensorData> out = new LinkedHashMap<>();
        Map<String, TensorData[]> qkv = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : in.entrySet()) {
            String name = e.getKey().substring(p.length());
            TensorData t = e.getValue();
            if (name.endsWith("embeddings.position_ids")) continue; // HF buffer: 0..n-1, not a weight
            if (name.equals("logit_scale") && t.dim() == 1 && t.size(0) == 1) {
                // some open_clip exports store the scalar as [1]: the same value, as open_clip's 0-d parameter
                out.put(name, new TensorData(t.dtype(), new long[0], new long[0], t.storageOffset(), t.storage()));
                continue;
            }
            if (name.equals("text_projection.weight")) { out.put("text_projection", t.t()); continue; }
            if (name.equals("visual_projection.weight")) { out.put("visual.proj", t.t()); continue; }
            if (name.equals("text.text_projection.weight")) { out.put("text_projection", t.t()); continue; }
            String fixed = HF_FIXED.get(name);
            if (fixed != null) { out.put(fixed, t); continue; }
            Matcher m = HF_LAYER.matcher(name);
            if (m.matches()) {
                String base = (m.group(1).equals("text_model") ? "" : "visual.") + "transformer.resblocks." + m.group(2) + ".";
                String rest = m.group(3);
                Matcher q = HF_QKV.matcher(rest);
                if (q.matches()) {
                    String target = base + "attn.in_proj_" + q.group(2);
                    out.putIfAbsent(target, null); // keeps the position; filled in below
                    qkv.computeIfAbsent(target, k -> new TensorData[3])["qkv".indexOf(q.group(1))] = t;
                    continue;
                }
                out.put(base + mapLayerPart(rest), t);
                continue;
            }
            if (name.startsWith("text.")) {
                String s = name.substring(5);
                for (String oc : OPEN_CLIP_TEXT) if (s.startsWith(oc)) { name = s; break; }
            }
            out.put(name, t);
        }
        qkv.forEach((target, parts) -> out.put(target, concat(file, target, parts, arena)));
        return out;
    }

    private static String mapLayerPart(String rest) {
        for (Map.Entry<String, String> e : HF_LAYER_PARTS.entrySet())
            if (rest.startsWith(e.getKey())) return e.getValue() + rest.substring(e.getKey().length());
        return rest;
    }

    /** {@code module.} / {@code _orig_mod.} prefixes shared by every name (possibly nested). */
    static String wrapperPrefix(Collection<String> names) {
        if (names.isEmpty()) return "";
        StringBuilder p = new StringBuilder();
        outer:
        while (true) {
            for (String w : new String[]{"module.", "_orig_mod."}) {
                String cand = p + w;
                if (names.stream().allMatch(n -> n.startsWith(cand))) { p.append(w); continue outer; }
            }
            return p.toString();
        }
    }

    /** Concatenates q, k, v along dim 0 into one new tensor (the layout of {@code nn.MultiheadAttention}). */
    private static TensorData concat(Path file, String target, TensorData[] parts, Arena arena) {
        for (int i = 0; i < 3; i++)
            if (parts[i] == null)
                throw new CheckpointException(file, "'" + target + "': the " + "qkv".charAt(i) + "_proj tensor is missing (q, k and v are needed)");
        TensorData q = parts[0];
        for (TensorData x : parts) {
            long[] a = x.shape(), b = q.shape();
            if (x.dtype() != q.dtype() || a.length != b.length || a.length == 0
                    || !Arrays.equals(Arrays.copyOfRange(a, 1, a.length), Arrays.copyOfRange(b, 1, b.length)))
                throw new CheckpointException(file, "'" + target + "': q/k/v projections differ: " + q.dtype() + " " + Arrays.toString(b)
                        + " vs " + x.dtype() + " " + Arrays.toString(a));
        }
        long rows = 0, bytes = 0;
        for (TensorData x : parts) { rows += x.size(0); bytes += x.byteSize(); }
        MemorySegment dst = arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
        long pos = 0;
        for (TensorData x : parts) {
            x.copyTo(dst.asSlice(pos, x.byteSize()));
            pos += x.byteSize();
        }
        long[] shape = q.shape();
        shape[0] = rows;
        return TensorData.contiguous(q.dtype(), shape, dst);
    }
}
