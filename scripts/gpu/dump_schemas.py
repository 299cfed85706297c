#!/usr/bin/env python3
"""Dumps the schemas the loaded PyTorch registers for the operators jclip wraps.

    python3 scripts/gpu/dump_schemas.py [native/ops/ops.list] > schemas.tsv

Reads ops.list ("javaName<TAB>ns::op[.overload]" per line, ns = aten, mkldnn, ...) and writes, in
the layout of native/ops/ops.tsv, "javaName<TAB>str(torch.ops.<ns>.<op>.<overload>._schema)", or
"ns::op.overload<TAB>MISSING" when this PyTorch does not register it. jclip compares the
result with ops.tsv (dev.jclip.torch.SchemaCheck, -Djclip.schemas=FILE) without JNI.
"""
import sys


def main(argv):
    ops_list = argv[1] if len(argv) > 1 else "native/ops/ops.list"
    try:
        import torch
    except ImportError as e:
        sys.exit("dump_schemas: cannot import torch (%s): run it with the Python whose PyTorch jclip loads" % e)
    print("# dumped by scripts/gpu/dump_schemas.py from torch %s (%s)" % (torch.__version__, torch.__file__))
    print("# java name\tschema")
    missing = 0
    with open(ops_list, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2 or "::" not in parts[1]:
                sys.exit("dump_schemas: %s:%d: expected 'javaName<TAB>ns::op[.overload]', got %r" % (ops_list, n, line))
            java, qualified = parts
            ns, _, name = qualified.partition("::")
            op, _, overload = name.partition(".")
            try:
                packet = getattr(getattr(torch.ops, ns), op, None)
            except (AttributeError, RuntimeError):
                packet = None
            overload_obj = None
            if packet is not None:
                try:
                    overload_obj = getattr(packet, overload or "default")
                except (AttributeError, RuntimeError):
                    overload_obj = None
            if overload_obj is None:
                print("%s\tMISSING" % qualified)
                missing += 1
                continue
            print("%s\t%s" % (java, overload_obj._schema))
    if missing:
        print("dump_schemas: %d operator(s) not registered in this PyTorch" % missing, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
