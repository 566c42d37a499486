using SharpBpf.ObjectFile.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// <c>bpftool -j btf dump ... format raw</c> (and <c>-p</c>, pretty), the same fields as bpftool 7.1
/// (tools/bpf/bpftool/btf.c with json_writer.c).
/// </summary>
public static class BtfJsonDumper
{
    /// <summary>Dumps every type of <paramref name="btf"/> (its own types for split BTF).</summary>
    public static void Dump(BtfSpec btf, Utf8Output output, bool pretty)
    {
        var w = new JsonWriter(output, pretty);
        w.StartObject();
        w.Name("types");
        w.StartArray();
        for (uint id = btf.FirstId; id < (uint)btf.TypeCount; id++)
            DumpType(btf, btf.GetType(id), w);
        w.EndArray();
        w.EndObject();
        w.Finish();
    }

    private static void DumpType(BtfSpec btf, BtfType t, JsonWriter w)
    {
        w.StartObject();
        w.Field("id", t.Id.Value);
        w.Field("kind", BtfKindNames.Of(t.Kind));
        w.Field("name", t.NameOffset == 0 ? "(anon)" : t.Name);
        switch (t.Kind)
        {
            case BtfKind.Int:
                w.Field("size", t.Size);
                w.Field("bits_offset", (uint)t.IntOffset);
                w.Field("nr_bits", (uint)t.IntBits);
                w.Field("encoding", t.IntEncoding switch { 0 => "(none)", 1 => "SIGNED", 2 => "CHAR", 4 => "BOOL", _ => "UNKN" });
                break;
            case BtfKind.Ptr:
            case BtfKind.Const:
            case BtfKind.Volatile:
            case BtfKind.Restrict:
            case BtfKind.Typedef:
            case BtfKind.TypeTag:
                w.Field("type_id", t.Type.Value);
                break;
            case BtfKind.Array:
                w.Field("type_id", t.ArrayElementType.Value);
                w.Field("index_type_id", t.ArrayIndexType.Value);
                w.Field("nr_elems", t.ArrayLength);
                break;
            case BtfKind.Struct:
            case BtfKind.Union:
                w.Field("size", t.Size);
                w.Field("vlen", (uint)t.Vlen);
                w.Name("members");
                w.StartArray();
                for (int i = 0; i < t.Vlen; i++)
                {
                    var m = t.Member(i);
                    w.StartObject();
                    w.Field("name", m.NameOffset == 0 ? "(anon)" : m.Name);
                    w.Field("type_id", m.Type.Value);
                    w.Field("bits_offset", m.BitOffset);
                    if (m.BitfieldSize != 0)
                        w.Field("bitfield_size", (uint)m.BitfieldSize);
                    w.EndObject();
                }
                w.EndArray();
                break;
            case BtfKind.Enum:
            case BtfKind.Enum64:
                w.Field("encoding", t.KindFlag ? "SIGNED" : "UNSIGNED");
                w.Field("size", t.Size);
                w.Field("vlen", (uint)t.Vlen);
                w.Name("values");
                w.StartArray();
                for (int i = 0; i < t.Vlen; i++)
                {
                    var v = t.EnumValue(i);
                    w.StartObject();
                    w.Field("name", v.NameOffset == 0 ? "(anon)" : v.Name);
                    if (t.KindFlag)
                        w.Field("val", t.Kind == BtfKind.Enum ? (int)v.Value : v.Value);
                    else
                        // bpftool passes the __s32 value to jsonw_uint_field: it is sign-extended to 64 bits.
                        w.Field("val", t.Kind == BtfKind.Enum ? (ulong)(long)(int)v.Value : (ulong)v.Value);
                    w.EndObject();
                }
                w.EndArray();
                break;
            case BtfKind.Fwd:
                w.Field("fwd_kind", t.KindFlag ? "union" : "struct");
                break;
            case BtfKind.Func:
                w.Field("type_id", t.Type.Value);
                w.Field("linkage", Linkage(t.FuncLinkage));
                break;
            case BtfKind.FuncProto:
                w.Field("ret_type_id", t.Type.Value);
                w.Field("vlen", (uint)t.Vlen);
                w.Name("params");
                w.StartArray();
                for (int i = 0; i < t.Vlen; i++)
                {
                    var p = t.Param(i);
                    w.StartObject();
                    w.Field("name", p.NameOffset == 0 ? "(anon)" : p.Name);
                    w.Field("type_id", p.Type.Value);
                    w.EndObject();
                }
                w.EndArray();
                break;
            case BtfKind.Var:
                w.Field("type_id", t.Type.Value);
                w.Field("linkage", Linkage(t.VarLinkage));
                break;
            case BtfKind.Datasec:
                w.Field("size", t.Size);
                w.Field("vlen", (uint)t.Vlen);
                w.Name("vars");
                w.StartArray();
                for (int i = 0; i < t.Vlen; i++)
                {
                    var v = t.VarSecInfo(i);
                    w.StartObject();
                    w.Field("type_id", v.Type.Value);
                    w.Field("offset", v.Offset);
                    w.Field("size", v.Size);
                    w.EndObject();
                }
                w.EndArray();
                break;
            case BtfKind.Float:
                w.Field("size", t.Size);
                break;
            case BtfKind.DeclTag:
                w.Field("type_id", t.Type.Value);
                w.Field("component_idx", t.DeclTagComponentIndex);
                break;
        }
        w.EndObject();
    }

    private static string Linkage(BtfLinkage l) => l switch
    {
        BtfLinkage.Static => "static",
        BtfLinkage.Global => "global",
        BtfLinkage.Extern => "extern",
        _ => "(unknown)",
    };
}
