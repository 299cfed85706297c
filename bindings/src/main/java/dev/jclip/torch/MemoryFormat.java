package dev.jclip.torch;

/** Memory formats accepted by ops such as {@code contiguous}; codes are {@code c10::MemoryFormat}. */
public enum MemoryFormat {
    CONTIGUOUS(0), PRESERVE(1), CHANNELS_LAST(2);
    private final int code;
    MemoryFormat(int code) { this.code = code; }
    public int code() { return code; }
}
