/**
 * libtorch for Java through the FFM API (no JNI code of jclip's own): library loading
 * ({@link dev.jclip.torch.LibTorch}, embedded from Bytedeco's build or an external folder), the C
 * contract's downcalls and the dispatcher ({@code NativeApi}, {@code Dispatch}), generated op
 * wrappers ({@link dev.jclip.torch.Ops}, {@link dev.jclip.torch.F}), {@link dev.jclip.torch.Tensor}
 * with scope-based lifetimes ({@link dev.jclip.torch.Scope}), autograd, grad mode and autocast.
 * Failures surface as {@link dev.jclip.torch.TorchException} naming the op and its arguments.
 *
 * <pre>{@code
 * try (Scope s = Scope.open()) {
 *     Tensor x = Torch.randn(new long[]{2, 3}, DType.F32, Device.CPU);
 *     Tensor y = x.matmul(x.t()).relu();
 * }
 * }</pre>
 *
 * <p><b>May import:</b> nothing of jclip (the bottom layer; the JDK and Bytedeco's loader only).
 * {@code LayeringTest} enforces this list.
 */
package dev.jclip.torch;
