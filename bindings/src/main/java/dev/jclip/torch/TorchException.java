package dev.jclip.torch;

/**
 * The one unchecked exception of jclip's tensor layer: a failed libtorch call (naming the op,
 * overload and every argument's shape, dtype and device, plus libtorch's own message where it can
 * be had), a closed tensor, or an argument that does not fit an operator schema.
 */
public class TorchException extends RuntimeException {
    public TorchException(String message) { super(message); }
    public TorchException(String message, Throwable cause) { super(message, cause); }
}
