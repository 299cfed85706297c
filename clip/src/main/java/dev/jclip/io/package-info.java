/**
 * Checkpoint and tensor-file I/O, independent of any model: readers for torch.save zip
 * archives and OpenAI's TorchScript {@code .pt} ({@link dev.jclip.io.TorchZip},
 * {@link dev.jclip.io.TorchUnpickler}, {@link dev.jclip.io.TorchScriptArchive}), safetensors
 * ({@link dev.jclip.io.Safetensors}), the format sniffer and loader {@link dev.jclip.io.Checkpoints},
 * key renaming between OpenAI, open_clip and Hugging Face names ({@link dev.jclip.io.ClipNames}),
 * host tensor views ({@link dev.jclip.io.TensorData}, {@link dev.jclip.io.StateDict}, copies to and from
 * libtorch in {@link dev.jclip.io.TensorBridge}) and atomic file replacement ({@link dev.jclip.io.AtomicFile}).
 *
 * <pre>{@code
 * try (StateDict sd = Checkpoints.loadClip(Path.of("ViT-B-32.pt"))) {
 *     TensorData w = sd.tensors().get("visual.conv1.weight");
 * }
 * }</pre>
 *
 * <p><b>May import:</b> {@code dev.jclip.torch} (and the JDK and this module's libraries); nothing above it.
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.io;
