using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>
/// The values of one relocation for the local and the target spec (libbpf's struct
/// bpf_core_relo_res): what clang should have compiled in, what the target needs, whether the
/// instruction must be poisoned, whether the compiled value must be checked, and the field
/// sizes a load/store's size follows.
/// </summary>
internal struct CoreRelocationValues
{
    public ulong Original;
    public ulong New;
    public bool Poison;
    public bool Validate;
    public bool FailMemorySizeAdjust;
    public uint OriginalSize;
    public uint NewSize;
    public BtfTypeId OriginalTypeId;
    public BtfTypeId NewTypeId;
}

/// <summary>
/// bpf_core_calc_relo (values for a local and a target spec) and bpf_core_patch_insn (the
/// instruction rewrite), from libbpf's relo_core.c, for little-endian targets.
/// </summary>
internal static class CoreCalculator
{
    /// <summary>The poison's helper id: 0xbad2310, "bad relo" (bpf_core_poison_insn).</summary>
    public const int PoisonImmediate = 0xbad2310;

    private enum Status { Ok, Poison, Error }

    /// <summary>
    /// bpf_core_calc_relo: the local and target values; <paramref name="target"/> null means no
    /// candidate matched. Returns false with an error for relocations libbpf rejects.
    /// </summary>
    public static bool TryCalculate(CoreRelocationKind kind, CoreSpec local, CoreSpec? target, out CoreRelocationValues res, out string? error)
    {
        res = new CoreRelocationValues { Validate = true };
        error = null;
        Status status;
        if (CoreNames.IsFieldBased(kind))
        {
            bool validate = true;
            status = CalculateField(kind, local, ref res.Original, ref res.OriginalSize, ref res.OriginalTypeId, ref validate, out error);
            res.Validate = validate;
            bool ignored = false;
            if (status == Status.Ok)
                status = CalculateField(kind, target, ref res.New, ref res.NewSize, ref res.NewTypeId, ref ignored, out error);
            if (status == Status.Ok && res.OriginalSize != res.NewSize)
            {
                // Only two size changes keep the value right (libbpf): a pointer (a 32-bit
                // kernel's pointer read into a 64-bit register) and an unsigned integer, both
                // zero-extended. Any other LDX/ST/STX of the field is poisoned.
                var o = local.Btf.GetType(res.OriginalTypeId);
                var n = target!.Btf.GetType(res.NewTypeId);
                bool safe = o.Kind == BtfKind.Ptr && n.Kind == BtfKind.Ptr ||
                            o.Kind == BtfKind.Int && n.Kind == BtfKind.Int && o.IntEncoding != 1 && n.IntEncoding != 1;
                res.FailMemorySizeAdjust = !safe;
            }
        }
        else if (CoreNames.IsTypeBased(kind))
        {
            status = CalculateType(kind, local, ref res.Original, ref res.Validate, out error);
            bool ignored = false;
            if (status == Status.Ok)
                status = CalculateType(kind, target, ref res.New, ref ignored, out error);
        }
        else if (CoreNames.IsEnumValueBased(kind))
        {
            status = CalculateEnumValue(kind, local, ref res.Original, out error);
            if (status == Status.Ok)
                status = CalculateEnumValue(kind, target, ref res.New, out error);
        }
        else
        {
            error = $"unrecognized CO-RE relocation kind {(uint)kind}";
            return false;
        }
        if (status == Status.Poison)
        {
            res.Poison = true;
            return true;
        }
        return status == Status.Ok;
    }

    /// <summary>bpf_core_calc_field_relo.</summary>
    private static Status CalculateField(CoreRelocationKind kind, CoreSpec? spec, ref ulong value, ref uint fieldSize,
        ref BtfTypeId typeId, ref bool validate, out string? error)
    {
        error = null;
        fieldSize = 0;
        if (kind == CoreRelocationKind.FieldExists)
        {
            value = spec is null ? 0u : 1u;
            return Status.Ok;
        }
        if (spec is null)
            return Status.Poison;

        var btf = spec.Btf;
        var acc = spec.Accessors[^1];
        if (acc.Name is null)
        {
            // The access ends on an array element (or the root itself): only offset and size apply.
            if (btf.SizeOf(acc.TypeId) is not { } elementSize)
            {
                error = $"{CoreNames.DescribeType(btf, acc.TypeId)} has no size";
                return Status.Error;
            }
            if (kind == CoreRelocationKind.FieldByteOffset)
            {
                value = (ulong)(spec.BitOffset / 8);
                fieldSize = (uint)elementSize;
                typeId = acc.TypeId;
            }
            else if (kind == CoreRelocationKind.FieldByteSize)
            {
                value = (ulong)elementSize;
            }
            else
            {
                error = $"{CoreNames.Of(kind)} can't be applied to an array element";
                return Status.Error;
            }
            validate = true;
            return Status.Ok;
        }

        var container = btf.GetType(acc.TypeId);
        var member = container.Member(acc.Index);
        var memberType = btf.SkipModifiersAndTypedefs(member.Type);
        long bitOffset = spec.BitOffset;
        long bitSize = member.BitfieldSize;
        long byteOffset, byteSize;
        bool bitfield = bitSize > 0;
        if (bitfield)
        {
            // The smallest naturally aligned load, starting at the type's size, that covers the bits.
            byteSize = memberType.Size;
            if (byteSize == 0)
            {
                error = $"bitfield {acc.Name} has a type of size 0";
                return Status.Error;
            }
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8)
            {
                if (byteSize >= 8)
                {
                    error = $"bitfield {acc.Name} can't be read with a 64-bit load";
                    return Status.Error;
                }
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        }
        else
        {
            if (btf.SizeOf(memberType.Id) is not { } size)
            {
                error = $"field {acc.Name} ({CoreNames.DescribeType(btf, member.Type)}) has no size";
                return Status.Error;
            }
            byteSize = size;
            byteOffset = spec.BitOffset / 8;
            bitSize = byteSize * 8;
        }

        // Bitfield offsets and sizes are ambiguous (clang may choose another load), so only the
        // signedness and the right shift of a bitfield are checked against the instruction.
        validate = !bitfield;
        switch (kind)
        {
            case CoreRelocationKind.FieldByteOffset:
                value = (ulong)byteOffset;
                if (!bitfield)
                {
                    fieldSize = (uint)byteSize;
                    typeId = memberType.Id;
                }
                break;
            case CoreRelocationKind.FieldByteSize:
                value = (ulong)byteSize;
                break;
            case CoreRelocationKind.FieldSigned:
                value = memberType.Kind is BtfKind.Enum or BtfKind.Enum64 && memberType.KindFlag ||
                        memberType.Kind == BtfKind.Int && (memberType.IntEncoding & 1) != 0 ? 1u : 0u;
                validate = true;
                break;
            case CoreRelocationKind.FieldLShiftU64:
                // Little-endian: shift the field's top bit to bit 63. libbpf computes in 32 bits.
                value = (uint)(64 - (bitOffset + bitSize - byteOffset * 8));
                break;
            case CoreRelocationKind.FieldRShiftU64:
                value = (uint)(64 - bitSize);
                validate = true;
                break;
            default:
                error = $"unrecognized CO-RE relocation kind {(uint)kind}";
                return Status.Error;
        }
        return Status.Ok;
    }

    /// <summary>bpf_core_calc_type_relo: a missing target gives 0 for every type kind.</summary>
    private static Status CalculateType(CoreRelocationKind kind, CoreSpec? spec, ref ulong value, ref bool validate, out string? error)
    {
        error = null;
        validate = true;
        if (spec is null)
        {
            value = 0;
            return Status.Ok;
        }
        switch (kind)
        {
            case CoreRelocationKind.TypeIdTarget:
                value = spec.RootTypeId.Value;
                // Linking renumbers types, so the id compiled in is not checked.
                validate = false;
                return Status.Ok;
            case CoreRelocationKind.TypeExists:
            case CoreRelocationKind.TypeMatches:
                value = 1;
                return Status.Ok;
            case CoreRelocationKind.TypeSize:
                if (spec.Btf.SizeOf(spec.RootTypeId) is not { } size)
                {
                    error = $"{CoreNames.DescribeType(spec.Btf, spec.RootTypeId)} has no size";
                    return Status.Error;
                }
                value = (ulong)size;
                return Status.Ok;
            default:
                error = $"unrecognized CO-RE relocation kind {(uint)kind}";
                return Status.Error;
        }
    }

    /// <summary>bpf_core_calc_enumval_relo.</summary>
    private static Status CalculateEnumValue(CoreRelocationKind kind, CoreSpec? spec, ref ulong value, out string? error)
    {
        error = null;
        if (kind == CoreRelocationKind.EnumValueExists)
        {
            value = spec is null ? 0u : 1u;
            return Status.Ok;
        }
        if (spec is null)
            return Status.Poison;
        var acc = spec.Accessors[0];
        var e = spec.Btf.GetType(acc.TypeId);
        long v = e.EnumValue(acc.Index).Value;
        // btf_enum.val is an __s32, so a 32-bit enum's value is sign-extended whatever its signedness.
        value = e.Kind == BtfKind.Enum ? (ulong)(long)(int)(uint)v : (ulong)v;
        return Status.Ok;
    }

    /// <summary>The value an instruction holds where a relocation would patch it, or null for an unpatchable one.</summary>
    public static ulong? CompiledValue(IReadOnlyList<Instruction> code, int at)
    {
        var insn = code[at];
        switch (insn.Class)
        {
            case Opcodes.ClassAlu:
            case Opcodes.ClassAlu64:
                return (ulong)(long)insn.Immediate;
            case Opcodes.ClassLdx:
            case Opcodes.ClassSt:
            case Opcodes.ClassStx:
                return (ulong)(long)insn.Offset;
            case Opcodes.ClassLd when insn.IsWide && at + 1 < code.Count:
                return (uint)insn.Immediate | (ulong)(uint)code[at + 1].Immediate << 32;
            default:
                return null;
        }
    }

    /// <summary>libbpf's poison: <c>call 0xbad2310</c> with every other field 0.</summary>
    public static Instruction Poison => new(Opcodes.CallOpcode, 0, 0, 0, PoisonImmediate);

    /// <summary>
    /// bpf_core_patch_insn: the rewritten slot(s) of the instruction at <paramref name="at"/>.
    /// Checks the compiled value against the local one when libbpf does; a field whose size
    /// changed changes the load/store size when that is safe and poisons it otherwise.
    /// </summary>
    public static bool TryPatch(IReadOnlyList<Instruction> code, int at, in CoreRelocationValues res,
        out Instruction[] patched, out CorePatchKind kind, out int? accessSize, out string? reason, out string? error)
    {
        patched = [];
        kind = CorePatchKind.None;
        accessSize = null;
        reason = null;
        error = null;
        var insn = code[at];
        bool wide = insn.IsWide && at + 1 < code.Count;
        if (res.Poison)
            return Poisoned(wide, out patched, out kind);

        ulong original = res.Original, value = res.New;
        switch (insn.Class)
        {
            case Opcodes.ClassAlu:
            case Opcodes.ClassAlu64:
                if ((insn.Opcode & Opcodes.SourceX) != 0)
                {
                    error = $"insn #{at} (ALU/ALU64) has a register operand, not an immediate";
                    return false;
                }
                if (res.Validate && (ulong)(long)insn.Immediate != original)
                {
                    error = $"insn #{at} (ALU/ALU64) holds {(uint)insn.Immediate}, but the local BTF says {original}";
                    return false;
                }
                patched = [insn.WithImmediate((int)value)];
                kind = CorePatchKind.Immediate;
                return true;
            case Opcodes.ClassLdx:
            case Opcodes.ClassSt:
            case Opcodes.ClassStx:
                if (res.Validate && (ulong)(long)insn.Offset != original)
                {
                    error = $"insn #{at} (LDX/ST/STX) holds offset {insn.Offset}, but the local BTF says {original}";
                    return false;
                }
                if (value > (ulong)short.MaxValue)
                {
                    error = $"insn #{at} (LDX/ST/STX): offset {value} does not fit the 16-bit offset field";
                    return false;
                }
                if (res.FailMemorySizeAdjust)
                {
                    reason = $"the field is {res.NewSize} bytes in the target and {res.OriginalSize} locally; " +
                             "only pointers and unsigned integers may be read with another size";
                    return Poisoned(wide, out patched, out kind);
                }
                var p = insn.WithOffset((short)value);
                if (res.NewSize != res.OriginalSize)
                {
                    int bytes = (insn.Opcode & 0x18) switch { Opcodes.SizeDW => 8, Opcodes.SizeW => 4, Opcodes.SizeH => 2, _ => 1 };
                    if (bytes != res.OriginalSize)
                    {
                        error = $"insn #{at} (LDX/ST/STX) accesses {bytes} bytes, but the local field is {res.OriginalSize}";
                        return false;
                    }
                    byte size;
                    switch (res.NewSize)
                    {
                        case 8: size = Opcodes.SizeDW; break;
                        case 4: size = Opcodes.SizeW; break;
                        case 2: size = Opcodes.SizeH; break;
                        case 1: size = Opcodes.SizeB; break;
                        default:
                            error = $"insn #{at} (LDX/ST/STX): the target field's size {res.NewSize} is no load size";
                            return false;
                    }
                    p = new Instruction((byte)((insn.Opcode & 0xe0) | size | insn.Class), p.Dst, p.Src, p.Offset, p.Immediate);
                    accessSize = (int)res.NewSize;
                }
                patched = [p];
                kind = CorePatchKind.Offset;
                return true;
            case Opcodes.ClassLd:
            {
                if (!wide || insn.Src != 0 || insn.Offset != 0 ||
                    code[at + 1].Opcode != 0 || code[at + 1].Dst != 0 || code[at + 1].Src != 0 || code[at + 1].Offset != 0)
                {
                    error = $"insn #{at} (LDIMM64) has an unexpected form";
                    return false;
                }
                ulong imm = (uint)insn.Immediate | (ulong)(uint)code[at + 1].Immediate << 32;
                if (res.Validate && imm != original)
                {
                    error = $"insn #{at} (LDIMM64) holds {imm}, but the local BTF says {original}";
                    return false;
                }
                patched = [insn.WithImmediate((int)value), code[at + 1].WithImmediate((int)(value >> 32))];
                kind = CorePatchKind.Immediate64;
                return true;
            }
            default:
                error = $"insn #{at} (opcode 0x{insn.Opcode:x2}) can't be relocated";
                return false;
        }
    }

    private static bool Poisoned(bool wide, out Instruction[] patched, out CorePatchKind kind)
    {
        // lddw's second slot is poisoned too, or the verifier would complain about opcode 00.
        patched = wide ? [Poison, Poison] : [Poison];
        kind = CorePatchKind.Poison;
        return true;
    }
}
