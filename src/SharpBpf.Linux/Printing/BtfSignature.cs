using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// bpftool's one-line type text (btf_dumper.c, btf_dumper_type_only): the function prototypes
/// <c>prog dump</c> prints before each function (<c>int xdp_prog(struct xdp_md * ctx)</c>), with
/// bpftool's spacing ("struct xdp_md * ctx", arrays as "int [4]").
/// </summary>
public static class BtfSignature
{
    // func_sig[1024] in prog.c and xlated_dumper.c: longer text is dropped, as snprintf overflow is there.
    private const int Limit = 1024;

    /// <summary>The text of type <paramref name="id"/>, or "" when bpftool prints nothing (unknown kinds, too long).</summary>
    public static string Of(BtfSpec? btf, BtfTypeId id)
    {
        if (btf is null || !btf.Contains(id))
            return "";
        var sb = new StringBuilder();
        return Type(btf, id, sb) && sb.Length < Limit ? sb.ToString() : "";
    }

    private static bool Type(BtfSpec btf, BtfTypeId id, StringBuilder sb)
    {
        if (sb.Length >= Limit)
            return false;
        if (id.IsVoid)
        {
            sb.Append("void ");
            return true;
        }
        if (!btf.Contains(id))
            return false;
        var t = btf.GetType(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
            case BtfKind.Typedef:
            case BtfKind.Float:
                sb.Append(t.Name).Append(' ');
                return true;
            case BtfKind.Struct:
                sb.Append("struct ").Append(t.Name).Append(' ');
                return true;
            case BtfKind.Union:
                sb.Append("union ").Append(t.Name).Append(' ');
                return true;
            case BtfKind.Enum:
            case BtfKind.Enum64:
                sb.Append("enum ").Append(t.Name).Append(' ');
                return true;
            case BtfKind.Array:
                if (!Type(btf, t.ArrayElementType, sb))
                    return false;
                sb.Append('[').Append((int)t.ArrayLength).Append(']');
                return true;
            case BtfKind.Ptr:
                if (!Type(btf, t.Type, sb))
                    return false;
                sb.Append("* ");
                return true;
            case BtfKind.Fwd:
                sb.Append(t.KindFlag ? "union " : "struct ").Append(t.Name).Append(' ');
                return true;
            case BtfKind.Volatile:
                sb.Append("volatile ");
                return Type(btf, t.Type, sb);
            case BtfKind.Const:
                sb.Append("const ");
                return Type(btf, t.Type, sb);
            case BtfKind.Restrict:
                sb.Append("restrict ");
                return Type(btf, t.Type, sb);
            case BtfKind.FuncProto:
                return Func(btf, t, null, sb);
            case BtfKind.Func:
                return btf.Contains(t.Type) && Func(btf, btf.GetType(t.Type), t, sb);
            case BtfKind.Var:
                if (t.VarLinkage == BtfLinkage.Static)
                    sb.Append("static ");
                if (!Type(btf, t.Type, sb))
                    return false;
                sb.Append(' ').Append(t.Name);
                return true;
            case BtfKind.Datasec:
                sb.Append("section (\"").Append(t.Name).Append("\") ");
                return true;
            default:
                return false;
        }
    }

    // btf_dump_func: "RET NAME(TYPE NAME, ...)"; an unnamed parameter loses the space after its type.
    private static bool Func(BtfSpec btf, BtfType proto, BtfType? func, StringBuilder sb)
    {
        if (!Type(btf, proto.Type, sb))
            return false;
        if (func is { } f)
            sb.Append(f.Name).Append('(');
        else
            sb.Append('(');
        for (int i = 0; i < proto.Vlen; i++)
        {
            var p = proto.Param(i);
            if (i > 0)
                sb.Append(", ");
            if (!p.Type.IsVoid)
            {
                if (!Type(btf, p.Type, sb))
                    return false;
                if (p.NameOffset != 0)
                    sb.Append(p.Name);
                else if (sb.Length > 0 && sb[^1] == ' ')
                    sb.Length--;
            }
            else
            {
                sb.Append("...");
            }
        }
        sb.Append(')');
        return true;
    }
}
