using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// <c>bpftool btf dump ... format raw</c>, byte for byte as bpftool 7.1 prints it
/// (tools/bpf/bpftool/btf.c, dump_btf_type).
/// </summary>
public static class BtfRawDumper
{
    private static ReadOnlySpan<byte> Anon => "(anon)"u8;

    /// <summary>Dumps every type, or only <paramref name="roots"/> when given.</summary>
    public static void Dump(BtfSpec btf, Utf8Output output, IReadOnlyList<BtfTypeId>? roots = null)
    {
        if (roots is { Count: > 0 })
        {
            foreach (var id in roots)
                DumpType(btf, btf.GetType(id), output);
            return;
        }
        // A split BTF dumps only its own types, numbered on from the base (as bpftool does).
        for (uint id = btf.FirstId; id < (uint)btf.TypeCount; id++)
            DumpType(btf, btf.GetType(id), output);
    }

    /// <summary>Dumps one type record (with its trailing newline).</summary>
    public static void DumpType(BtfSpec btf, BtfType t, Utf8Output o)
    {
        var kind = t.Kind;
        o.Append('[').Append(t.Id.Value).Append("] "u8).Append(BtfKindNames.Of(kind)).Append(" '"u8);
        Name(o, t.NameOffset, t.NameUtf8).Append('\'');
        switch (kind)
        {
            case BtfKind.Int:
                o.Append(" size="u8).Append(t.Size).Append(" bits_offset="u8).Append(t.IntOffset)
                    .Append(" nr_bits="u8).Append(t.IntBits).Append(" encoding="u8).Append(IntEncoding(t.IntEncoding));
                break;
            case BtfKind.Ptr:
            case BtfKind.Const:
            case BtfKind.Volatile:
            case BtfKind.Restrict:
            case BtfKind.Typedef:
            case BtfKind.TypeTag:
                o.Append(" type_id="u8).Append(t.Type.Value);
                break;
            case BtfKind.Array:
                o.Append(" type_id="u8).Append(t.ArrayElementType.Value).Append(" index_type_id="u8).Append(t.ArrayIndexType.Value)
                    .Append(" nr_elems="u8).Append(t.ArrayLength);
                break;
            case BtfKind.Struct:
            case BtfKind.Union:
                o.Append(" size="u8).Append(t.Size).Append(" vlen="u8).Append(t.Vlen);
                for (int i = 0; i < t.Vlen; i++)
                {
                    var m = t.Member(i);
                    o.Append("\n\t'"u8);
                    Name(o, m.NameOffset, m.NameUtf8).Append("' type_id="u8).Append(m.Type.Value).Append(" bits_offset="u8).Append(m.BitOffset);
                    if (m.BitfieldSize != 0)
                        o.Append(" bitfield_size="u8).Append(m.BitfieldSize);
                }
                break;
            case BtfKind.Enum:
            case BtfKind.Enum64:
                o.Append(" encoding="u8).Append(t.KindFlag ? "SIGNED"u8 : "UNSIGNED"u8).Append(" size="u8).Append(t.Size)
                    .Append(" vlen="u8).Append(t.Vlen);
                for (int i = 0; i < t.Vlen; i++)
                {
                    var v = t.EnumValue(i);
                    o.Append("\n\t'"u8);
                    Name(o, v.NameOffset, v.NameUtf8).Append("' val="u8);
                    if (kind == BtfKind.Enum)
                    {
                        if (t.KindFlag)
                            o.Append(v.Value);
                        else
                            o.Append((uint)v.Value);
                    }
                    else if (t.KindFlag)
                    {
                        o.Append(v.Value).Append("LL"u8);
                    }
                    else
                    {
                        o.Append((ulong)v.Value).Append("ULL"u8);
                    }
                }
                break;
            case BtfKind.Fwd:
                o.Append(" fwd_kind="u8).Append(t.KindFlag ? "union"u8 : "struct"u8);
                break;
            case BtfKind.Func:
                o.Append(" type_id="u8).Append(t.Type.Value).Append(" linkage="u8).Append(Linkage(t.FuncLinkage));
                break;
            case BtfKind.FuncProto:
                o.Append(" ret_type_id="u8).Append(t.Type.Value).Append(" vlen="u8).Append(t.Vlen);
                for (int i = 0; i < t.Vlen; i++)
                {
                    var p = t.Param(i);
                    o.Append("\n\t'"u8);
                    Name(o, p.NameOffset, p.NameUtf8).Append("' type_id="u8).Append(p.Type.Value);
                }
                break;
            case BtfKind.Var:
                o.Append(" type_id="u8).Append(t.Type.Value).Append(", linkage="u8).Append(Linkage(t.VarLinkage));
                break;
            case BtfKind.Datasec:
                o.Append(" size="u8).Append(t.Size).Append(" vlen="u8).Append(t.Vlen);
                for (int i = 0; i < t.Vlen; i++)
                {
                    var v = t.VarSecInfo(i);
                    o.Append("\n\ttype_id="u8).Append(v.Type.Value).Append(" offset="u8).Append(v.Offset).Append(" size="u8).Append(v.Size);
                    if (btf.Contains(v.Type))
                    {
                        var vt = btf.GetType(v.Type);
                        o.Append(" ("u8).Append(BtfKindNames.Of(vt.Kind)).Append(" '"u8);
                        Name(o, vt.NameOffset, vt.NameUtf8).Append("')"u8);
                    }
                }
                break;
            case BtfKind.Float:
                o.Append(" size="u8).Append(t.Size);
                break;
            case BtfKind.DeclTag:
                o.Append(" type_id="u8).Append(t.Type.Value).Append(" component_idx="u8).Append(t.DeclTagComponentIndex);
                break;
        }
        o.Append('\n');
    }

    private static Utf8Output Name(Utf8Output o, uint offset, ReadOnlySpan<byte> name) =>
        offset == 0 ? o.Append(Anon) : o.Append(name);

    private static ReadOnlySpan<byte> IntEncoding(int encoding) => encoding switch
    {
        0 => "(none)"u8,
        1 => "SIGNED"u8,
        2 => "CHAR"u8,
        4 => "BOOL"u8,
        _ => "UNKN"u8,
    };

    private static ReadOnlySpan<byte> Linkage(BtfLinkage linkage) => linkage switch
    {
        BtfLinkage.Static => "static"u8,
        BtfLinkage.Global => "global"u8,
        BtfLinkage.Extern => "extern"u8,
        _ => "(unknown)"u8,
    };
}
