package dev.jclip.io;

/** The checkpoint file formats jclip reads; {@link Checkpoints#detect} tells them apart by content. */
public enum CheckpointFormat {
    /** Hugging Face safetensors: 8-byte header length, JSON header, raw data. */
    SAFETENSORS("safetensors"),
    /** {@code torch.save} (PyTorch >= 1.6): a zip with {@code <dir>/data.pkl} and {@code <dir>/data/<key>}. */
    TORCH_ZIP("torch.save zip"),
    /** {@code torch.jit.save}: a zip with {@code data.pkl} (the module tree), {@code constants.pkl}, {@code code/}. */
    TORCHSCRIPT("TorchScript archive");

    private final String label;

    CheckpointFormat(String label) { this.label = label; }

    /** A human-readable name, e.g. {@code torch.save zip}. */
    public String label() { return label; }

    @Override public String toString() { return label; }
}
