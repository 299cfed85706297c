package dev.jclip.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An operator ready to call: its schema plus the C strings of its name and overload, allocated
 * once (so a call allocates no strings). Instances are interned per qualified name.
 */
public final class OpHandle {
    private static final Map<String, OpHandle> BY_NAME = new ConcurrentHashMap<>();

    final OpSchema schema;
    final MemorySegment cName;
    final MemorySegment cOverload;
    final OpSchema.Kind[] kinds;
    final OpSchema.Kind[] returns;
    /** Arguments the op writes to (schema annotation {@code (a!)}). */
    final boolean[] mutates;
    final boolean anyMutates;
    /** Whether a result may alias an input (a {@code Tensor(a)} return): read-only-ness propagates. */
    final boolean returnsAlias;
    /** Non-null once {@link SchemaCheck} found this op's schema changed in the loaded libtorch: why calls are refused. */
    volatile String refused;

    private OpHandle(OpSchema schema) {
        this.schema = schema;
        Arena global = Arena.global();
        this.cName = global.allocateFrom(schema.name());
        this.cOverload = global.allocateFrom(schema.overload());
        List<OpSchema.Arg> args = schema.args();
        this.kinds = new OpSchema.Kind[args.size()];
        for (int i = 0; i < kinds.length; i++) kinds[i] = args.get(i).kind();
        this.returns = schema.returns().toArray(new OpSchema.Kind[0]);
        this.mutates = new boolean[args.size()];
        boolean any = false;
        for (int i = 0; i < mutates.length; i++) any |= mutates[i] = args.get(i).type().contains("!");
        this.anyMutates = any;
        String ret = schema.text().substring(schema.text().lastIndexOf("->") + 2);
        this.returnsAlias = ret.matches("(?s).*Tensor\\([a-z]+\\).*");
    }

    /** The handle for a schema text (as registered in libtorch). */
    public static OpHandle of(String schemaText) {
        OpSchema s = OpSchema.parse(schemaText);
        return BY_NAME.computeIfAbsent(s.qualifiedName(), k -> new OpHandle(s));
    }

    /** A handle already known by qualified name ({@code aten::mul.Tensor}), or null. */
    static OpHandle known(String qualifiedName) { return BY_NAME.get(qualifiedName); }

    public OpSchema schema() { return schema; }

    @Override public String toString() { return schema.qualifiedName(); }
}
