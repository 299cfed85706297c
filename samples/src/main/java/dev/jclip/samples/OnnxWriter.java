package dev.jclip.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small ONNX graph builder that writes the ONNX protobuf ({@code onnx.proto3}, IR version 8,
 * default opset 17) directly in protobuf's wire format: nodes, float/int64 initializers, inputs
 * and outputs with a symbolic batch dimension. Enough to express CLIP's towers for the
 * {@code clip bench infer} comparison with ONNX Runtime; it is not a general exporter.
 *
 * <pre>{@code
 * OnnxWriter g = new OnnxWriter("vit");
 * g.input("x", OnnxWriter.FLOAT, "N", 4);
 * g.initializer("w", new long[]{4, 2}, weights);
 * String y = g.node("MatMul", List.of("x", "w"));
 * g.output(y, OnnxWriter.FLOAT, "N", 2);
 * g.write(Path.of("model.onnx"));
 * }</pre>
 */
final class OnnxWriter {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    private static final int OPSET = 17;

    private final String name;
    /** Serialized GraphProto fields, in order (initializers can be large: kept as separate chunks). */
    private final List<byte[]> graphFields = new ArrayList<>();
    private int counter;

    OnnxWriter(String name) { this.name = name; }

    /** A fresh value name. */
    String fresh(String hint) { return hint + "_" + (counter++); }

    /** Adds a node; returns its (single) output name. Attributes: name, value pairs (Long, Double, long[], String). */
    String node(String op, List<String> inputs, Object... attrs) {
        String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
        nodeMulti(op, inputs, List.of(out), attrs);
        return out;
    }

    /** Adds a node with several outputs. */
    void nodeMulti(String op, List<String> inputs, List<String> outputs, Object... attrs) {
        Pb n = new Pb();
        for (String i : inputs) n.string(1, i);
        for (String o : outputs) n.string(2, o);
        n.string(3, fresh("n_" + op));
        n.string(4, op);
        for (int i = 0; i < attrs.length; i += 2) n.message(5, attribute((String) attrs[i], attrs[i + 1]));
        graphFields.add(new Pb().message(1, n).bytes());
    }

    private static Pb attribute(String name, Object v) {
        Pb a = new Pb().string(1, name);
        switch (v) {
            case Long l -> a.varintField(3, l).varintField(20, 2);
            case Integer i -> a.varintField(3, i).varintField(20, 2);
            case Double d -> a.fixed32Field(2, Float.floatToRawIntBits(d.floatValue())).varintField(20, 1);
            case long[] ls -> { for (long l : ls) a.varintField(8, l); a.varintField(20, 7); }
            case String s -> a.bytesField(4, s.getBytes(StandardCharsets.UTF_8)).varintField(20, 3);
            default -> throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v);
        }
        return a;
    }

    /** A float32 initializer (weights), row-major. */
    String initializer(String name, long[] dims, float[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        graphFields.add(new Pb().message(5, tensor(name, dims, FLOAT, b.array())).bytes());
        return name;
    }

    /** An int64 initializer (shapes, axes, indices). */
    String constant(long... values) {
        String n = fresh("c");
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        graphFields.add(new Pb().message(5, tensor(n, new long[]{values.length}, INT64, b.array())).bytes());
        return n;
    }

    /** A 0-d int64 initializer. */
    String scalar(long value) {
        String n = fresh("s");
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        graphFields.add(new Pb().message(5, tensor(n, new long[0], INT64, b.array())).bytes());
        return n;
    }

    /** A float initializer holding one value (0-d). */
    String scalarFloat(float value) {
        String n = fresh("f");
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        graphFields.add(new Pb().message(5, tensor(n, new long[0], FLOAT, b.array())).bytes());
        return n;
    }

    private static Pb tensor(String name, long[] dims, int type, byte[] raw) {
        Pb t = new Pb();
        for (long d : dims) t.varintField(1, d);
        t.varintField(2, type).string(8, name).bytesField(9, raw);
        return t;
    }

    /** A graph input; dims are Long (fixed) or String (symbolic). */
    void input(String name, int type, Object... dims) { graphFields.add(new Pb().message(11, valueInfo(name, type, dims)).bytes()); }

    void output(String name, int type, Object... dims) { graphFields.add(new Pb().message(12, valueInfo(name, type, dims)).bytes()); }

    private static Pb valueInfo(String name, int type, Object... dims) {
        Pb shape = new Pb();
        for (Object d : dims) {
            Pb dim = d instanceof String s ? new Pb().string(2, s) : new Pb().varintField(1, ((Number) d).longValue());
            shape.message(1, dim);
        }
        Pb tensorType = new Pb().varintField(1, type).message(2, shape);
        return new Pb().string(1, name).message(2, new Pb().message(1, tensorType));
    }

    /** Writes the ModelProto (IR 8, opset 17) to {@code file}. */
    void write(Path file) throws IOException {
        long graphLen = 0;
        byte[] graphName = new Pb().string(2, name).bytes();
        for (byte[] f : graphFields) graphLen += f.length;
        graphLen += graphName.length;
        Pb head = new Pb().varintField(1, 8).string(2, "jclip").message(8, new Pb().string(1, "").varintField(2, OPSET));
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(head.bytes());
            Pb tag = new Pb();
            tag.tag(7, 2);
            tag.varint(graphLen);
            out.write(tag.bytes());
            out.write(graphName);
            for (byte[] f : graphFields) out.write(f);
        }
    }

    /** Protobuf wire-format encoder for one message. */
    static final class Pb {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void tag(int field, int wire) { varint(((long) field << 3) | wire); }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) { out.write((int) ((v & 0x7F) | 0x80)); v >>>= 7; }
            out.write((int) v);
        }

        Pb varintField(int field, long v) { tag(field, 0); varint(v); return this; }

        Pb fixed32Field(int field, int bits) {
            tag(field, 5);
            for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xFF);
            return this;
        }

        Pb bytesField(int field, byte[] b) { tag(field, 2); varint(b.length); out.writeBytes(b); return this; }

        Pb string(int field, String s) { return bytesField(field, s.getBytes(StandardCharsets.UTF_8)); }

        Pb message(int field, Pb m) { return bytesField(field, m.bytes()); }

        byte[] bytes() { return out.toByteArray(); }
    }
}
