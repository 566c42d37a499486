using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// A view of one BTF type record in its <see cref="BtfSpec"/>: nothing is copied, every
/// property decodes the raw record. Void (id 0) has kind <see cref="BtfKind.Unknown"/>.
/// </summary>
public readonly struct BtfType
{
    private readonly BtfSpec _spec;
    private readonly int _offset; // of the btf_type record in the spec's bytes; -1 for void

    internal BtfType(BtfSpec spec, BtfTypeId id, int offset)
    {
        _spec = spec;
        Id = id;
        _offset = offset;
    }

    /// <summary>The type's id.</summary>
    public BtfTypeId Id { get; }

    /// <summary>The spec the type lives in (for split BTF, the split or its base).</summary>
    public BtfSpec Spec => _spec;

    private ReadOnlySpan<byte> Data => _spec.Bytes;

    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Data.Slice(_offset + at, 4));

    /// <summary>True for id 0 (void).</summary>
    public bool IsVoid => _offset < 0;

    /// <summary>Offset of the name in the string section (0 for anonymous).</summary>
    public uint NameOffset => IsVoid ? 0 : U32(0);

    /// <summary>The raw info word (vlen, kind, kind_flag).</summary>
    public uint Info => IsVoid ? 0 : U32(4);

    /// <summary>The kind.</summary>
    public BtfKind Kind => (BtfKind)((Info >> 24) & 0x1f);

    /// <summary>Number of members, values, params or variables.</summary>
    public int Vlen => (int)(Info & 0xffff);

    /// <summary>The kind_flag bit (bitfield members, union FWD, signed enum, ...).</summary>
    public bool KindFlag => (Info >> 31) != 0;

    /// <summary>The size field (INT, ENUM, STRUCT, UNION, DATASEC, FLOAT, ENUM64).</summary>
    public uint Size => IsVoid ? 0 : U32(8);

    /// <summary>The referenced type (PTR, TYPEDEF, CV, FUNC, FUNC_PROTO's return, VAR, tags).</summary>
    public BtfTypeId Type => IsVoid ? BtfTypeId.Void : new BtfTypeId(U32(8));

    /// <summary>The type's name, or "" when anonymous.</summary>
    public string Name => _spec.GetString(NameOffset);

    /// <summary>The type's name as UTF-8 bytes (no allocation).</summary>
    public ReadOnlySpan<byte> NameUtf8 => _spec.GetStringUtf8(NameOffset);

    // ---- INT ----

    private uint IntData => U32(12);

    /// <summary>INT encoding bits (BTF_INT_SIGNED 1, CHAR 2, BOOL 4).</summary>
    public int IntEncoding => (int)((IntData >> 24) & 0x0f);

    /// <summary>INT bit offset.</summary>
    public int IntOffset => (int)((IntData >> 16) & 0xff);

    /// <summary>INT number of bits.</summary>
    public int IntBits => (int)(IntData & 0xff);

    // ---- ARRAY ----

    /// <summary>ARRAY element type.</summary>
    public BtfTypeId ArrayElementType => new(U32(12));

    /// <summary>ARRAY index type.</summary>
    public BtfTypeId ArrayIndexType => new(U32(16));

    /// <summary>ARRAY element count.</summary>
    public uint ArrayLength => U32(20);

    // ---- STRUCT / UNION ----

    /// <summary>Member <paramref name="i"/> of a STRUCT or UNION.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BtfMember Member(int i)
    {
        int at = 12 + i * 12;
        uint offset = U32(at + 8);
        return KindFlag
            ? new BtfMember(_spec, U32(at), new BtfTypeId(U32(at + 4)), offset & 0xffffff, (int)(offset >> 24))
            : new BtfMember(_spec, U32(at), new BtfTypeId(U32(at + 4)), offset, 0);
    }

    // ---- ENUM / ENUM64 ----

    /// <summary>Value <paramref name="i"/> of an ENUM or ENUM64 (sign-extended for signed enums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BtfEnumValue EnumValue(int i)
    {
        if (Kind == BtfKind.Enum64)
        {
            int at64 = 12 + i * 12;
            ulong v = U32(at64 + 4) | ((ulong)U32(at64 + 8) << 32);
            return new BtfEnumValue(_spec, U32(at64), (long)v);
        }
        int at = 12 + i * 8;
        uint raw = U32(at + 4);
        return new BtfEnumValue(_spec, U32(at), KindFlag ? (int)raw : raw);
    }

    /// <summary>Whether an ENUM/ENUM64 is signed (kind_flag).</summary>
    public bool EnumSigned => KindFlag;

    // ---- FUNC_PROTO ----

    /// <summary>Parameter <paramref name="i"/> of a FUNC_PROTO.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BtfParam Param(int i) => new(_spec, U32(12 + i * 8), new BtfTypeId(U32(12 + i * 8 + 4)));

    // ---- FUNC / VAR ----

    /// <summary>FUNC linkage (vlen field): 0 static, 1 global, 2 extern.</summary>
    public BtfLinkage FuncLinkage => (BtfLinkage)Vlen;

    /// <summary>VAR linkage: 0 static, 1 global, 2 extern.</summary>
    public BtfLinkage VarLinkage => (BtfLinkage)U32(12);

    // ---- DATASEC ----

    /// <summary>Variable <paramref name="i"/> of a DATASEC.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BtfVarSecInfo VarSecInfo(int i) => new(new BtfTypeId(U32(12 + i * 12)), U32(12 + i * 12 + 4), U32(12 + i * 12 + 8));

    // ---- DECL_TAG ----

    /// <summary>DECL_TAG component index (-1 for the declaration itself).</summary>
    public int DeclTagComponentIndex => (int)U32(12);

    /// <inheritdoc/>
    public override string ToString() => $"[{Id}] {BtfKindNames.Of(Kind)} '{(NameOffset == 0 ? "(anon)" : Name)}'";
}

/// <summary>FUNC and VAR linkage (enum btf_func_linkage).</summary>
public enum BtfLinkage
{
    /// <summary>BTF_FUNC_STATIC / BTF_VAR_STATIC.</summary>
    Static = 0,
    /// <summary>BTF_FUNC_GLOBAL / BTF_VAR_GLOBAL_ALLOCATED.</summary>
    Global = 1,
    /// <summary>BTF_FUNC_EXTERN / BTF_VAR_GLOBAL_EXTERN.</summary>
    Extern = 2,
}

/// <summary>A STRUCT/UNION member.</summary>
public readonly struct BtfMember(BtfSpec spec, uint nameOffset, BtfTypeId type, uint bitOffset, int bitfieldSize)
{
    /// <summary>Offset of the name in the string section.</summary>
    public uint NameOffset { get; } = nameOffset;
    /// <summary>The member's name ("" for anonymous).</summary>
    public string Name => spec.GetString(NameOffset);
    /// <summary>The member's name as UTF-8.</summary>
    public ReadOnlySpan<byte> NameUtf8 => spec.GetStringUtf8(NameOffset);
    /// <summary>The member's type.</summary>
    public BtfTypeId Type { get; } = type;
    /// <summary>Offset from the start of the struct, in bits.</summary>
    public uint BitOffset { get; } = bitOffset;
    /// <summary>Bitfield width, or 0 when not a bitfield.</summary>
    public int BitfieldSize { get; } = bitfieldSize;
}

/// <summary>An ENUM/ENUM64 value.</summary>
public readonly struct BtfEnumValue(BtfSpec spec, uint nameOffset, long value)
{
    /// <summary>Offset of the name in the string section.</summary>
    public uint NameOffset { get; } = nameOffset;
    /// <summary>The enumerator's name.</summary>
    public string Name => spec.GetString(NameOffset);
    /// <summary>The enumerator's name as UTF-8.</summary>
    public ReadOnlySpan<byte> NameUtf8 => spec.GetStringUtf8(NameOffset);
    /// <summary>The value (for unsigned ENUM, zero-extended; for ENUM64, the raw 64 bits).</summary>
    public long Value { get; } = value;
}

/// <summary>A FUNC_PROTO parameter.</summary>
public readonly struct BtfParam(BtfSpec spec, uint nameOffset, BtfTypeId type)
{
    /// <summary>Offset of the name in the string section.</summary>
    public uint NameOffset { get; } = nameOffset;
    /// <summary>The parameter's name ("" when unnamed).</summary>
    public string Name => spec.GetString(NameOffset);
    /// <summary>The parameter's name as UTF-8.</summary>
    public ReadOnlySpan<byte> NameUtf8 => spec.GetStringUtf8(NameOffset);
    /// <summary>The parameter's type (void for a trailing "..." vararg).</summary>
    public BtfTypeId Type { get; } = type;
}

/// <summary>A DATASEC entry.</summary>
/// <param name="Type">The VAR (or FUNC for .kconfig/.ksyms externs).</param>
/// <param name="Offset">Offset in the section.</param>
/// <param name="Size">Size in bytes.</param>
public readonly record struct BtfVarSecInfo(BtfTypeId Type, uint Offset, uint Size);
