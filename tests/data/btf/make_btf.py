#!/usr/bin/env python3
"""Writes raw BTF fixtures for the C-dump cases clang 14 cannot produce: ENUM64 and signed
enums, odd enum sizes, FWDs named like definitions, type tags and qualifiers where only GCC or
hand-written BTF puts them, libbpf's special names (__PolyN_t, __gnuc_va_list,
__builtin_va_list), names long enough to be cut, deep nesting, a 4-byte pointer size, and a type
cycle C cannot express. Usage: make_btf.py OUTDIR (rebuild.sh runs it)."""

import os
import struct
import sys

INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, \
    VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 = range(1, 20)


class Btf:
    def __init__(self, base=None):
        """A split BTF continues its base's type ids and string offsets."""
        self.base = base
        self.strings = bytearray(b"" if base else b"\0")
        self.offsets = dict(base.offsets) if base else {"": 0}
        self.str_start = len(base.strings) if base else 0
        self.id_start = len(base.types) if base else 0
        self.types = []

    def s(self, name):
        if name not in self.offsets:
            self.offsets[name] = self.str_start + len(self.strings)
            self.strings += name.encode() + b"\0"
        return self.offsets[name]

    def add(self, name, kind, vlen, size_or_type, rest=b"", kflag=0):
        info = (kflag << 31) | (kind << 24) | vlen
        self.types.append(struct.pack("<III", self.s(name), info, size_or_type) + rest)
        return self.id_start + len(self.types)

    def int(self, name, size, encoding=0, bits=None, offset=0):
        bits = size * 8 if bits is None else bits
        return self.add(name, INT, 0, size, struct.pack("<I", (encoding << 24) | (offset << 16) | bits))

    def ref(self, kind, target, name=""):
        return self.add(name, kind, 0, target)

    def ptr(self, target):
        return self.ref(PTR, target)

    def array(self, elem, n, index):
        return self.add("", ARRAY, 0, 0, struct.pack("<III", elem, index, n))

    def composite(self, kind, name, size, members, kflag=0):
        """members: (name, type, bit_offset, bitfield_size)"""
        rest = b""
        for m in members:
            mname, mtype, off = m[0], m[1], m[2]
            bits = m[3] if len(m) > 3 else 0
            rest += struct.pack("<III", self.s(mname), mtype, (bits << 24) | off if kflag else off)
        return self.add(name, kind, len(members), size, rest, kflag)

    def struct(self, name, size, members, kflag=0):
        return self.composite(STRUCT, name, size, members, kflag)

    def union(self, name, size, members, kflag=0):
        return self.composite(UNION, name, size, members, kflag)

    def enum(self, name, size, values, signed=False):
        rest = b"".join(struct.pack("<Ii" if signed else "<II", self.s(n), v) for n, v in values)
        return self.add(name, ENUM, len(values), size, rest, 1 if signed else 0)

    def enum64(self, name, size, values, signed=False):
        rest = b""
        for n, v in values:
            v &= (1 << 64) - 1
            rest += struct.pack("<III", self.s(n), v & 0xffffffff, v >> 32)
        return self.add(name, ENUM64, len(values), size, rest, 1 if signed else 0)

    def fwd(self, name, union=False):
        return self.add(name, FWD, 0, 0, kflag=1 if union else 0)

    def typedef(self, name, target):
        return self.ref(TYPEDEF, target, name)

    def proto(self, ret, params):
        rest = b"".join(struct.pack("<II", self.s(n), t) for n, t in params)
        return self.add("", FUNC_PROTO, len(params), ret, rest)

    def func(self, name, proto, linkage=1):
        return self.add(name, FUNC, linkage, proto)

    def var(self, name, target, linkage=1):
        return self.add(name, VAR, 0, target, struct.pack("<I", linkage))

    def datasec(self, name, size, entries):
        rest = b"".join(struct.pack("<III", t, off, sz) for t, off, sz in entries)
        return self.add(name, DATASEC, len(entries), size, rest)

    def float(self, name, size):
        return self.add(name, FLOAT, 0, size)

    def decl_tag(self, name, target, component=-1):
        return self.add(name, DECL_TAG, 0, target, struct.pack("<i", component))

    def type_tag(self, name, target):
        return self.ref(TYPE_TAG, target, name)

    def bytes(self):
        types = b"".join(self.types)
        header = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(self.strings))
        return header + types + bytes(self.strings)


def edge():
    b = Btf()
    i32 = b.int("int", 4, 1)
    u32 = b.int("unsigned int", 4)
    chr_ = b.int("char", 1, 1)
    i64 = b.int("long", 8, 1)
    idx = b.int("__ARRAY_SIZE_TYPE__", 4)
    u64 = b.int("unsigned long long", 8)

    # Enums: signed, ENUM64 (signed and not, with and without high bits), odd sizes, and an
    # enum forward declaration (ENUM with no values) named like a full definition.
    b.enum("sgn", 4, [("S_NEG", -5), ("S_MIN", -2147483648), ("S_MAX", 2147483647)], signed=True)
    b.enum64("e64", 8, [("E64_BIG", 0xFFFFFFFFFFFFFFFF), ("E64_HI", 1 << 40), ("E64_ONE", 1)])
    b.enum64("e64s", 8, [("E64S_NEG", -(1 << 62)), ("E64S_POS", 7)], signed=True)
    b.enum64("e64small", 8, [("E64SM_A", 1), ("E64SM_B", 2)])
    b.enum("tiny", 1, [("TINY_A", 1), ("TINY_B", 255)])
    b.enum("eight", 8, [("EIGHT_A", 1)])
    b.enum("fwd_enum", 4, [])
    b.enum("fwd_enum", 4, [("FWD_ENUM_REAL", 3)])
    # An enumerator colliding with a typedef name: both are C identifiers.
    b.typedef("COLLIDE", i32)
    b.enum("collide", 4, [("COLLIDE", 1), ("OTHER", 2)])
    # Top-level anonymous enums: unreferenced ones are emitted, referenced ones inline only.
    b.enum("", 4, [("TOP_A", 1)])
    anon_ref = b.enum("", 4, [("REF_A", 1)])
    b.var("uses_anon_enum", anon_ref)

    # FWDs next to definitions of the same name, and a union forward.
    b.fwd("twice")
    b.struct("twice", 4, [("x", i32, 0)])
    b.fwd("only_fwd_union", union=True)
    b.fwd("twice")

    # libbpf's special names.
    poly = b.int("__Poly8_t", 1)
    b.int("__Poly8_t", 1)
    b.typedef("__gnuc_va_list", 0)
    b.typedef("__builtin_va_list", b.ptr(chr_))
    b.struct("uses_poly", 2, [("p", poly, 0), ("q", b.int("__Poly16_t", 2), 0)])

    # Qualifiers and tags where libbpf drops them (on arrays and function prototypes) or keeps
    # them in unusual orders.
    tag_int = b.type_tag("tag1", i32)
    const_tag = b.ref(CONST, tag_int)
    tag_const = b.type_tag("tag2", b.ref(CONST, i32))
    arr_of_tagged = b.array(b.type_tag("elemtag", b.ref(CONST, chr_)), 4, idx)
    proto_ii = b.proto(i32, [("", i32)])
    vol_proto = b.ref(VOLATILE, proto_ii)
    tagged_proto = b.type_tag("fntag", proto_ii)
    restrict_int = b.ref(RESTRICT, i32)
    b.typedef("tag_at_top_t", b.type_tag("top", b.ptr(i32)))
    b.struct("quals", 72, [
        ("a", const_tag, 0),
        ("b", tag_const, 32),
        ("c", arr_of_tagged, 64),
        ("d", b.ptr(vol_proto), 128),
        ("e", b.ptr(tagged_proto), 192),
        ("f", b.array(b.ref(CONST, b.array(chr_, 2, idx)), 3, idx), 256),
        ("g", restrict_int, 320),
        ("h", b.ptr(b.ref(VOLATILE, b.ref(CONST, b.ptr(b.ref(RESTRICT, b.ptr(i32)))))), 384),
        ("i", b.array(b.ptr(b.array(b.ptr(proto_ii), 2, idx)), 2, idx), 448),
    ])

    # Function prototypes: no parameters, clang's single void, varargs, unnamed parameters,
    # an array of prototypes (not valid C, printed anyway) and a typedef of a prototype.
    p0 = b.proto(0, [])
    p_void = b.proto(i32, [("", 0)])
    p_var = b.proto(b.ptr(chr_), [("fmt", b.ptr(b.ref(CONST, chr_))), ("", 0)])
    p_unnamed = b.proto(u64, [("", i32), ("named", b.ptr(0)), ("", b.ptr(p0))])
    b.typedef("fn_t", p_unnamed)
    b.struct("protos", 24, [
        ("p0", b.ptr(p0), 0),
        ("pv", b.ptr(p_void), 64),
        ("pvar", b.ptr(p_var), 128),
        ("arr_of_fn", b.array(proto_ii, 3, idx), 192),
    ])
    f = b.func("a_function", p_unnamed)
    b.decl_tag("on_func", f)
    b.decl_tag("on_param", f, 1)

    # Old-style bitfields (no kind_flag: the INT carries the bit size) and kind_flag bitfields
    # with unnamed members and gaps.
    b3 = b.int("int", 4, 1, bits=3, offset=0)
    b.struct("old_bits", 8, [("x", b3, 0), ("y", b3, 3), ("z", i32, 32)])
    b.struct("new_bits", 16, [("a", u32, 0, 3), ("", u32, 3, 5), ("b", u32, 13, 2),
                              ("c", u64, 64, 33), ("d", chr_, 104, 0), ("e", u32, 120, 1)], kflag=1)

    # A struct with no members but a size, a 2-byte aligned packed struct, a union whose members
    # sit off their alignment, and deep anonymous nesting (the indent stops at 13 tabs).
    b.struct("only_padding", 12, [])
    b.struct("odd_size", 6, [("s", b.int("short", 2, 1), 0), ("i", i32, 16)])
    b.union("odd_union", 5, [("c", chr_, 0), ("i", i32, 0), ("arr", b.array(chr_, 5, idx), 0)])
    inner = b.struct("", 4, [("leaf", i32, 0)])
    for depth in range(15):
        inner = b.struct("", 4, [("l%d" % depth, inner, 0)]) if depth % 2 else b.union("", 4, [("u%d" % depth, inner, 0)])
    b.struct("deep", 4, [("top", inner, 0)])

    # An anonymous struct reached twice (two typedefs) is written out twice, and its inline
    # anonymous enum's enumerators are counted twice.
    shared = b.struct("", 8, [("kind", b.enum("", 4, [("SHARED_K", 1)]), 0), ("v", i32, 32)])
    b.typedef("shared1_t", shared)
    b.typedef("shared2_t", shared)

    # A name longer than libbpf's 255-byte buffer, defined twice: the second is cut.
    long_name = "n" * 300
    b.struct(long_name, 4, [("a", i32, 0)])
    b.struct(long_name, 4, [("b", i32, 0)])

    # Members whose type is incomplete: an embedded FWD has no size or alignment.
    incomplete = b.fwd("incomplete")
    b.struct("has_incomplete", 16, [("a", i32, 0), ("inc", incomplete, 32), ("b", i64, 64)])

    # A typedef of a VAR: not a type C can spell; libbpf writes what it can.
    b.typedef("typedef_of_var", b.var("some_var", i32))

    # Floats, and a DATASEC listing variables of several kinds.
    flt = b.float("float", 4)
    dbl = b.float("double", 8)
    ld = b.float("long double", 16)
    b.struct("floats", 32, [("f", flt, 0), ("d", dbl, 64), ("ld", ld, 128)])
    v1 = b.var("v_float", flt)
    v2 = b.var("v_static", i32, 0)
    b.datasec(".data", 16, [(v1, 0, 4), (v2, 4, 4), (f, 8, 0)])
    return b


def ptr32():
    b = Btf()
    lng = b.int("long int", 4, 1)
    i32 = b.int("int", 4, 1)
    chr_ = b.int("char", 1, 1)
    llong = b.int("long long int", 8, 1)
    b.struct("p32", 24, [("c", chr_, 0), ("p", b.ptr(i32), 32), ("l", lng, 64), ("ll", llong, 128)])
    b.struct("gaps32", 32, [("c", chr_, 0), ("l", lng, 64), ("c2", chr_, 96), ("ll", llong, 192)])
    b.struct("bits32", 8, [("a", i32, 0, 4), ("b", i32, 40, 4)], kflag=1)
    return b


def cycle():
    b = Btf()
    i32 = b.int("int", 4, 1)
    b.struct("fine", 4, [("a", i32, 0)])
    # typedef struct { T *self; } T: the anonymous struct cannot name T before T exists.
    anon = b.struct("", 8, [("self", 0, 0)])
    t = b.typedef("T", anon)
    p = b.ptr(t)
    b.types[anon - 1] = b.types[anon - 1][:16] + struct.pack("<I", p) + b.types[anon - 1][20:]
    b.struct("after", 4, [("b", i32, 0)])
    return b


def split(base):
    """Split BTF on top of ptr32 (as a module's BTF sits on vmlinux): its types use the base's,
    and its own struct p32 is the second of that name."""
    b = Btf(base)
    i32, chr_ = 2, 3
    p32 = 6  # ptr32(): long int, int, char, long long int, int *, struct p32
    b.struct("p32", 4, [("only", i32, 0)])
    b.struct("on_base", 32, [("base", p32, 0), ("c", chr_, 192)])
    b.typedef("base_ptr_t", b.ptr(p32))
    return b


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    base = ptr32()
    for name, btf in (("edge", edge()), ("ptr32", base), ("cycle", cycle()), ("split", split(base))):
        with open(os.path.join(out, name + ".btf"), "wb") as f:
            f.write(btf.bytes())
    # The base a split BTF needs, for rebuild.sh and the tests.
    with open(os.path.join(out, "split.base"), "w") as f:
        f.write("ptr32.btf\n")


if __name__ == "__main__":
    main()
