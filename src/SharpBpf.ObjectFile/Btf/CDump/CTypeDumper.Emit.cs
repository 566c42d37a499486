using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf.CDump;

internal sealed partial class CTypeDumper
{
    // btf_dump's pfx(): one tab per level, at most 13.
    private static ReadOnlySpan<byte> Tabs => "\t\t\t\t\t\t\t\t\t\t\t\t\t"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Pfx(int lvl) => _o.Append(Tabs[..Math.Min(lvl, Tabs.Length)]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EndDefinition() => _o.Append(";\n\n"u8);

    /// <summary>
    /// btf_dump_emit_type: writes the definition of a queued type after the definitions and forward
    /// declarations its body needs. <paramref name="contId"/> is the named struct/union being
    /// defined around this reference (0 at top level): a struct referring to itself needs no forward
    /// declaration, and only top-level references emit definitions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitType(uint id, uint contId)
    {
        byte state = _emit[id];
        if (state == Emitted)
            return;
        var t = _btf.GetType(id);
        var kind = t.Kind;
        bool topLevel = contId == 0;

        if (state == Emitting)
        {
            // Reached again while its own definition is being prepared: a forward declaration
            // (or, for a typedef, the typedef itself, usable through pointers) breaks the loop.
            if ((_flags[id] & FwdEmitted) != 0)
                return;
            switch (kind)
            {
                case BtfKind.Struct:
                case BtfKind.Union:
                    if (id == contId || t.NameOffset == 0)
                        return;
                    EmitStructFwd(id, t);
                    EndDefinition();
                    _flags[id] |= FwdEmitted;
                    break;
                case BtfKind.Typedef:
                    if (!IsBlacklisted(t))
                    {
                        EmitTypedefDef(id, t, 0);
                        EndDefinition();
                    }
                    _flags[id] |= FwdEmitted;
                    break;
            }
            return;
        }

        switch (kind)
        {
            case BtfKind.Int:
                EmitMissingAliases(id, t);
                _emit[id] = Emitted;
                break;
            case BtfKind.Enum:
            case BtfKind.Enum64:
                if (topLevel)
                {
                    EmitEnumDef(id, t, 0);
                    EndDefinition();
                }
                _emit[id] = Emitted;
                break;
            case BtfKind.Ptr:
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
            case BtfKind.TypeTag:
                EmitType(t.Type.Value, contId);
                break;
            case BtfKind.Array:
                EmitType(t.ArrayElementType.Value, contId);
                break;
            case BtfKind.Fwd:
                EmitFwdDef(id, t);
                EndDefinition();
                _emit[id] = Emitted;
                break;
            case BtfKind.Typedef:
                _emit[id] = Emitting;
                EmitType(t.Type.Value, id);
                // Unless a pointer cycle already forced it out, the typedef comes after its target.
                if ((_flags[id] & FwdEmitted) == 0 && !IsBlacklisted(t))
                {
                    EmitTypedefDef(id, t, 0);
                    EndDefinition();
                }
                _emit[id] = Emitted;
                break;
            case BtfKind.Struct:
            case BtfKind.Union:
                _emit[id] = Emitting;
                // A definition (top level, or an anonymous struct written inline) spells out every
                // member's type, so those need their own definitions or forward declarations first.
                if (topLevel || t.NameOffset == 0)
                {
                    uint newContId = t.NameOffset == 0 ? contId : id;
                    int vlen = t.Vlen;
                    for (int i = 0; i < vlen; i++)
                        EmitType(t.Member(i).Type.Value, newContId);
                }
                else if ((_flags[id] & FwdEmitted) == 0 && id != contId)
                {
                    EmitStructFwd(id, t);
                    EndDefinition();
                    _flags[id] |= FwdEmitted;
                }
                if (topLevel)
                {
                    EmitStructDef(id, t, 0);
                    EndDefinition();
                    _emit[id] = Emitted;
                }
                else
                {
                    _emit[id] = NotEmitted;
                }
                break;
            case BtfKind.FuncProto:
            {
                EmitType(t.Type.Value, contId);
                int vlen = t.Vlen;
                for (int i = 0; i < vlen; i++)
                    EmitType(t.Param(i).Type.Value, contId);
                break;
            }
        }
    }

    /// <summary>
    /// btf_dump_is_blacklisted: <c>__builtin_va_list</c> is the compiler's own type; redefining it
    /// breaks compilation with another compiler than the kernel's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsBlacklisted(BtfType t) =>
        t.NameOffset != 0 && Str(t.NameOffset).SequenceEqual("__builtin_va_list"u8);

    /// <summary>
    /// btf_dump_emit_missing_aliases: GCC's Arm SIMD <c>__PolyN_t</c> base types have no C
    /// spelling, so they get a typedef to a standard type. Resolving the name here also claims it
    /// in the type namespace, as libbpf does for every INT it emits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitMissingAliases(uint id, BtfType t)
    {
        var name = TypeName(id, t);
        if (name.Dup > 1 || name.Offset == 0)
            return;
        var s = Str(name.Offset);
        ReadOnlySpan<byte> alias;
        if (s.SequenceEqual("__Poly8_t"u8))
            alias = "unsigned char"u8;
        else if (s.SequenceEqual("__Poly16_t"u8))
            alias = "unsigned short"u8;
        else if (s.SequenceEqual("__Poly64_t"u8))
            alias = "unsigned long long"u8;
        else if (s.SequenceEqual("__Poly128_t"u8))
            alias = "unsigned __int128"u8;
        else
            return;
        _o.Append("typedef "u8).Append(alias).Append(' ').Append(s).Append(";\n\n"u8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitStructFwd(uint id, BtfType t)
    {
        _o.Append(t.Kind == BtfKind.Struct ? "struct"u8 : "union"u8);
        if (t.NameOffset != 0)
            _o.Append(' ');
        Write(TypeName(id, t));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitFwdDef(uint id, BtfType t)
    {
        _o.Append(t.KindFlag ? "union "u8 : "struct "u8);
        Write(TypeName(id, t));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitEnumFwd(uint id, BtfType t)
    {
        _o.Append("enum "u8);
        Write(TypeName(id, t));
    }

    /// <summary>
    /// btf_dump_emit_typedef_def. Old GCC wrote <c>__gnuc_va_list</c> as a typedef of void; it is
    /// repaired into the builtin it stands for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitTypedefDef(uint id, BtfType t, int lvl)
    {
        var name = IdentName(id, t);
        if (t.Type.IsVoid && name.Dup <= 1 && Str(name.Offset).SequenceEqual("__gnuc_va_list"u8))
        {
            _o.Append("typedef __builtin_va_list __gnuc_va_list"u8);
            return;
        }
        _o.Append("typedef "u8);
        EmitTypeDecl(t.Type.Value, name, lvl);
    }

    /// <summary>
    /// btf_dump_emit_enum_def. Enumerators share the identifier namespace with typedefs, and every
    /// emission counts them again, so a repeated enumerator name becomes <c>NAME___N</c>.
    /// bpftool 7.1's libbpf adds no <c>mode(byte)</c>/<c>mode(word)</c> attribute for odd sizes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitEnumDef(uint id, BtfType t, int lvl)
    {
        int vlen = t.Vlen;
        _o.Append("enum"u8);
        if (t.NameOffset != 0)
            _o.Append(' ');
        Write(TypeName(id, t));
        if (vlen == 0)
            return;
        _o.Append(" {"u8);
        bool signed = t.KindFlag;
        bool is64 = t.Kind == BtfKind.Enum64;
        for (int i = 0; i < vlen; i++)
        {
            var v = t.EnumValue(i);
            int dup = _identNames.Increment(v.NameOffset);
            _o.Append('\n');
            Pfx(lvl + 1);
            _o.Append(Str(v.NameOffset));
            if (dup > 1)
                _o.Append("___"u8).Append(dup);
            _o.Append(" = "u8);
            if (signed)
                _o.Append(is64 ? v.Value : (int)v.Value);
            else
                _o.Append(is64 ? (ulong)v.Value : (uint)v.Value);
            if (is64)
                _o.Append(signed ? "LL"u8 : "ULL"u8);
            _o.Append(',');
        }
        _o.Append('\n');
        Pfx(lvl);
        _o.Append('}');
    }

    /// <summary>
    /// btf_is_struct_packed: a struct is written <c>__attribute__((packed))</c> when a
    /// non-bitfield member sits off its natural alignment or the size is not a multiple of the
    /// largest member alignment.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool IsStructPacked(BtfType t)
    {
        int maxAlign = 1, vlen = t.Vlen;
        for (int i = 0; i < vlen; i++)
        {
            var m = t.Member(i);
            int align = _layout.AlignOf(m.Type.Value);
            if (align != 0 && m.BitfieldSize == 0 && BtfLayout.RawMemberOffset(t, i) % (8u * (uint)align) != 0)
                return true;
            maxAlign = Math.Max(align, maxAlign);
        }
        return t.Size % (uint)maxAlign != 0;
    }

    /// <summary>
    /// btf_dump_emit_struct_def: members with their declarators, bitfield widths, and explicit
    /// anonymous-bitfield padding wherever the compiler's natural layout would not reproduce the
    /// BTF offsets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitStructDef(uint id, BtfType t, int lvl)
    {
        bool isStruct = t.Kind == BtfKind.Struct;
        int vlen = t.Vlen;
        int align = _layout.AlignOf(id);
        bool packed = isStruct && IsStructPacked(t);

        _o.Append(isStruct ? "struct"u8 : "union"u8);
        if (t.NameOffset != 0)
            _o.Append(' ');
        Write(TypeName(id, t));
        _o.Append(" {"u8);

        int off = 0;
        bool prevBitfield = false;
        for (int i = 0; i < vlen; i++)
        {
            var m = t.Member(i);
            int mSize = m.BitfieldSize;
            int mOff = (int)m.BitOffset;
            int mAlign = packed ? 1 : _layout.AlignOf(m.Type.Value);
            bool inBitfield = prevBitfield && mSize != 0;

            EmitBitPadding(off, mOff, mAlign, inBitfield, lvl + 1);
            _o.Append('\n');
            Pfx(lvl + 1);
            EmitTypeDecl(m.Type.Value, new DeclName(m.NameOffset, 0), lvl + 1);

            if (mSize != 0)
            {
                _o.Append(": "u8).Append(mSize);
                off = mOff + mSize;
                prevBitfield = true;
            }
            else
            {
                // int arithmetic as in C: sizes beyond 2^31 bits wrap there too.
                mSize = (int)Math.Max(0, _layout.ResolveSize(m.Type.Value));
                off = mOff + mSize * 8;
                prevBitfield = false;
            }
            _o.Append(';');
        }

        if (isStruct)
            EmitBitPadding(off, (int)(t.Size * 8), align, false, lvl + 1);

        // An empty struct stays on one line: struct empty {}.
        if (vlen != 0 || t.Size != 0)
        {
            _o.Append('\n');
            Pfx(lvl);
        }
        _o.Append('}');
        if (packed)
            _o.Append(" __attribute__((packed))"u8);
    }

    /// <summary>
    /// btf_dump_emit_bit_padding: fills the gap from <paramref name="cur"/> to
    /// <paramref name="next"/> (bits) with anonymous bitfields. It first aligns to the largest of
    /// long/int/short/char that still fits, writing that step (<c>long: 0;</c>, or the exact bit count
    /// inside a bitfield run) only when the compiler would not get there by itself, then fills the
    /// rest with whole units and one smallest-fitting remainder.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitBitPadding(int cur, int next, int nextAlign, bool inBitfield, int lvl)
    {
        // Offsets come in as C ints (a struct past 256 MB wraps there too); the arithmetic is
        // done in long so that such wrapped values cannot make the fill loop run forever.
        long curOff = cur, nextOff = next;
        if (curOff >= nextOff)
            return;
        int longBits = _layout.PointerSize * 8;
        int padBits = 0;
        long newOff = 0;
        ReadOnlySpan<byte> padType = default;
        for (int i = 0; i < 4; i++)
        {
            padBits = PadBits(i, longBits);
            padType = PadName(i);
            newOff = RoundUp(curOff, padBits);
            if (newOff <= nextOff)
                break;
        }

        if (newOff > curOff && newOff <= nextOff)
        {
            // Write the aligning step only when the compiler would not take it by itself: inside a
            // bitfield run, when the next member's own alignment falls short of it, or when the
            // rest of the gap is no larger than the step (the filler would fit before it).
            if (inBitfield
                || newOff == nextOff && RoundUp(curOff, nextAlign * 8L) != newOff
                || newOff != nextOff && nextOff - newOff <= newOff - curOff)
            {
                WritePad(padType, inBitfield ? newOff - curOff : 0, lvl);
            }
            curOff = newOff;
        }

        while (curOff != nextOff)
        {
            long bits = Math.Min(nextOff - curOff, padBits);
            if (bits == padBits)
            {
                WritePad(padType, padBits, lvl);
                curOff += bits;
                continue;
            }
            // The remainder gets the smallest type that holds it (libbpf keeps that choice for
            // any later round of the loop).
            for (int i = 3; i >= 0; i--)
            {
                padType = PadName(i);
                padBits = PadBits(i, longBits);
                if (padBits < bits)
                    continue;
                WritePad(padType, bits, lvl);
                curOff += bits;
                break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PadBits(int i, int longBits) => i switch { 0 => longBits, 1 => 32, 2 => 16, _ => 8 };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> PadName(int i) => i switch { 0 => "long"u8, 1 => "int"u8, 2 => "short"u8, _ => "char"u8 };

    // The kernel's roundup(); a zero alignment (a member of a type without one) would divide by
    // zero in libbpf, here it leaves the offset as it is.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long RoundUp(long x, long y) => y == 0 ? x : (x + y - 1) / y * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WritePad(ReadOnlySpan<byte> type, long bits, int lvl)
    {
        _o.Append('\n');
        Pfx(lvl);
        _o.Append(type).Append(": "u8).Append(bits).Append(';');
    }
}
