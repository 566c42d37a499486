using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// Builds BTF: types appended in id order, names deduplicated in the string section. With a base
/// spec it builds split BTF: ids continue after the base's, and names already in the base are
/// referred to by the base's offsets (as the kernel's module BTF does).
/// </summary>
public sealed class BtfBuilder
{
    private readonly BtfSpec? _base;
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [];
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);
    private uint _nextId;

    /// <summary>Starts BTF, or split BTF on top of <paramref name="baseSpec"/>.</summary>
    public BtfBuilder(BtfSpec? baseSpec = null)
    {
        _base = baseSpec;
        _nextId = baseSpec is null ? 1u : (uint)baseSpec.TypeCount;
        if (baseSpec is null)
        {
            _strings.Add(0);
            _stringOffsets[""] = 0;
        }
    }

    /// <summary>The id the next type gets.</summary>
    public BtfTypeId NextId => new(_nextId);

    /// <summary>The offset of a string (added if new).</summary>
    public uint String(string s)
    {
        if (s.Length == 0)
            return 0;
        if (_stringOffsets.TryGetValue(s, out uint off))
            return off;
        if (_base?.FindString(s) is { } inBase)
            return _stringOffsets[s] = inBase;
        off = (uint)(_base?.TotalStringsLength ?? 0) + (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(s));
        _strings.Add(0);
        return _stringOffsets[s] = off;
    }

    private BtfTypeId Add(string name, BtfKind kind, int vlen, bool kindFlag, uint sizeOrType, params uint[] extra)
    {
        Span<byte> b = stackalloc byte[4];
        foreach (var v in (ReadOnlySpan<uint>)[String(name), ((uint)kind << 24) | (uint)(vlen & 0xffff) | (kindFlag ? 1u << 31 : 0), sizeOrType])
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _types.AddRange(b);
        }
        foreach (var e in extra)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, e);
            _types.AddRange(b);
        }
        return new BtfTypeId(_nextId++);
    }

    /// <summary>INT: <paramref name="encoding"/> is BTF_INT_SIGNED (1), CHAR (2), BOOL (4).</summary>
    public BtfTypeId Int(string name, uint size, int bits, int encoding = 0, int offset = 0) =>
        Add(name, BtfKind.Int, 0, false, size, ((uint)encoding << 24) | ((uint)offset << 16) | (uint)bits);

    /// <summary>PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG: a kind that refers to one type.</summary>
    public BtfTypeId Ref(BtfKind kind, BtfTypeId type, string name = "") => Add(name, kind, 0, false, type.Value);

    /// <summary>ARRAY.</summary>
    public BtfTypeId Array(BtfTypeId element, BtfTypeId index, uint length) =>
        Add("", BtfKind.Array, 0, false, 0, element.Value, index.Value, length);

    /// <summary>STRUCT or UNION; members are (name, type, bit offset, bitfield size).</summary>
    public BtfTypeId Composite(BtfKind kind, string name, uint size, params (string Name, BtfTypeId Type, uint BitOffset, int BitfieldSize)[] members)
    {
        bool bitfields = members.Any(m => m.BitfieldSize != 0);
        var extra = new List<uint>();
        foreach (var m in members)
        {
            extra.Add(String(m.Name));
            extra.Add(m.Type.Value);
            extra.Add(bitfields ? ((uint)m.BitfieldSize << 24) | m.BitOffset : m.BitOffset);
        }
        return Add(name, kind, members.Length, bitfields, size, [.. extra]);
    }

    /// <summary>ENUM (32-bit values) or, when any value needs it or <paramref name="size"/> is 8, ENUM64.</summary>
    public BtfTypeId Enum(string name, uint size, bool signed, params (string Name, long Value)[] values)
    {
        var extra = new List<uint>();
        bool wide = size == 8;
        foreach (var (n, v) in values)
        {
            extra.Add(String(n));
            extra.Add((uint)v);
            if (wide)
                extra.Add((uint)(v >> 32));
        }
        return Add(name, wide ? BtfKind.Enum64 : BtfKind.Enum, values.Length, signed, size, [.. extra]);
    }

    /// <summary>FWD of a struct (or union).</summary>
    public BtfTypeId Fwd(string name, bool union = false) => Add(name, BtfKind.Fwd, 0, union, 0);

    /// <summary>FUNC_PROTO.</summary>
    public BtfTypeId FuncProto(BtfTypeId returnType, params (string Name, BtfTypeId Type)[] parameters)
    {
        var extra = new List<uint>();
        foreach (var (n, t) in parameters)
        {
            extra.Add(String(n));
            extra.Add(t.Value);
        }
        return Add("", BtfKind.FuncProto, parameters.Length, false, returnType.Value, [.. extra]);
    }

    /// <summary>FUNC.</summary>
    public BtfTypeId Func(string name, BtfTypeId proto, BtfLinkage linkage = BtfLinkage.Global) => Add(name, BtfKind.Func, (int)linkage, false, proto.Value);

    /// <summary>VAR.</summary>
    public BtfTypeId Var(string name, BtfTypeId type, BtfLinkage linkage = BtfLinkage.Global) => Add(name, BtfKind.Var, 0, false, type.Value, (uint)linkage);

    /// <summary>DATASEC.</summary>
    public BtfTypeId Datasec(string name, uint size, params BtfVarSecInfo[] vars)
    {
        var extra = new List<uint>();
        foreach (var v in vars)
        {
            extra.Add(v.Type.Value);
            extra.Add(v.Offset);
            extra.Add(v.Size);
        }
        return Add(name, BtfKind.Datasec, vars.Length, false, size, [.. extra]);
    }

    /// <summary>FLOAT.</summary>
    public BtfTypeId Float(string name, uint size) => Add(name, BtfKind.Float, 0, false, size);

    /// <summary>DECL_TAG on a type, or on member/parameter <paramref name="componentIndex"/>.</summary>
    public BtfTypeId DeclTag(string tag, BtfTypeId type, int componentIndex = -1) => Add(tag, BtfKind.DeclTag, 0, false, type.Value, (uint)componentIndex);

    /// <summary>Copies a type of another spec as is (its references keep their ids).</summary>
    public BtfTypeId Copy(BtfType t)
    {
        switch (t.Kind)
        {
            case BtfKind.Int: return Int(t.Name, t.Size, t.IntBits, t.IntEncoding, t.IntOffset);
            case BtfKind.Ptr:
            case BtfKind.Typedef:
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
            case BtfKind.TypeTag:
                return Ref(t.Kind, t.Type, t.Name);
            case BtfKind.Array: return Array(t.ArrayElementType, t.ArrayIndexType, t.ArrayLength);
            case BtfKind.Struct:
            case BtfKind.Union:
            {
                var members = new (string, BtfTypeId, uint, int)[t.Vlen];
                for (int i = 0; i < t.Vlen; i++)
                {
                    var m = t.Member(i);
                    members[i] = (m.Name, m.Type, m.BitOffset, m.BitfieldSize);
                }
                // Keep kind_flag as the source had it, even without bitfields.
                var id = Composite(t.Kind, t.Name, t.Size, members);
                if (t.KindFlag && !members.Any(m => m.Item4 != 0))
                    SetKindFlag(id);
                return id;
            }
            case BtfKind.Enum:
            case BtfKind.Enum64:
            {
                var values = new (string, long)[t.Vlen];
                for (int i = 0; i < t.Vlen; i++)
                    values[i] = (t.EnumValue(i).Name, t.EnumValue(i).Value);
                var extra = new List<uint>();
                foreach (var (n, v) in values)
                {
                    extra.Add(String(n));
                    extra.Add((uint)v);
                    if (t.Kind == BtfKind.Enum64)
                        extra.Add((uint)((ulong)v >> 32));
                }
                return Add(t.Name, t.Kind, t.Vlen, t.KindFlag, t.Size, [.. extra]);
            }
            case BtfKind.Fwd: return Fwd(t.Name, t.KindFlag);
            case BtfKind.FuncProto:
            {
                var ps = new (string, BtfTypeId)[t.Vlen];
                for (int i = 0; i < t.Vlen; i++)
                    ps[i] = (t.Param(i).Name, t.Param(i).Type);
                return FuncProto(t.Type, ps);
            }
            case BtfKind.Func: return Func(t.Name, t.Type, t.FuncLinkage);
            case BtfKind.Var: return Var(t.Name, t.Type, t.VarLinkage);
            case BtfKind.Datasec:
            {
                var vs = new BtfVarSecInfo[t.Vlen];
                for (int i = 0; i < t.Vlen; i++)
                    vs[i] = t.VarSecInfo(i);
                return Datasec(t.Name, t.Size, vs);
            }
            case BtfKind.Float: return Float(t.Name, t.Size);
            case BtfKind.DeclTag: return DeclTag(t.Name, t.Type, t.DeclTagComponentIndex);
            default: throw new ArgumentException($"cannot copy BTF kind {t.Kind}", nameof(t));
        }
    }

    private void SetKindFlag(BtfTypeId id)
    {
        // The record of the last type added starts 12 + 12*vlen bytes before the end; simpler to patch by scan.
        var bytes = CollectionsMarshal.AsSpan(_types);
        int at = 0;
        for (uint i = _base is null ? 1u : (uint)_base.TypeCount; i < id.Value; i++)
            at += RecordSize(bytes, at);
        bytes[at + 7] |= 0x80;
    }

    private static int RecordSize(ReadOnlySpan<byte> b, int at)
    {
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(b[(at + 4)..]);
        int vlen = (int)(info & 0xffff);
        return 12 + (BtfKind)((info >> 24) & 0x1f) switch
        {
            BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
            BtfKind.Array => 12,
            BtfKind.Struct or BtfKind.Union or BtfKind.Enum64 or BtfKind.Datasec => 12 * vlen,
            BtfKind.Enum or BtfKind.FuncProto => 8 * vlen,
            _ => 0,
        };
    }

    /// <summary>The BTF bytes: header, types, strings.</summary>
    public byte[] ToBytes()
    {
        var types = _types.ToArray();
        var strings = _strings.ToArray();
        var output = new byte[24 + types.Length + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(output, BtfSpec.Magic);
        output[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(12), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(16), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(20), (uint)strings.Length);
        types.CopyTo(output, 24);
        strings.CopyTo(output, 24 + types.Length);
        return output;
    }

    /// <summary>Parses what was built (with the base, for split BTF).</summary>
    public BtfSpec Build() => BtfSpec.Parse(ToBytes(), _base);
}
