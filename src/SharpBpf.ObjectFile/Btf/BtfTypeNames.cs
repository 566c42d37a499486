using System.Text;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>Short C spellings of BTF types for one-line summaries: <c>__u32</c>, <c>struct event *</c>, <c>char[16]</c>.</summary>
public static class BtfTypeNames
{
    /// <summary>The C name of a type (void for id 0).</summary>
    public static string Describe(BtfSpec btf, BtfTypeId id)
    {
        var sb = new StringBuilder();
        Append(btf, id, sb, 0);
        return sb.ToString();
    }

    private static void Append(BtfSpec btf, BtfTypeId id, StringBuilder sb, int depth)
    {
        if (depth > 16)
        {
            sb.Append("...");
            return;
        }
        var t = btf.GetType(id);
        string name = t.Name;
        switch (t.Kind)
        {
            case BtfKind.Unknown:
                sb.Append("void");
                return;
            case BtfKind.Int:
            case BtfKind.Float:
            case BtfKind.Typedef:
                sb.Append(name);
                return;
            case BtfKind.Struct:
                sb.Append("struct ").Append(name.Length == 0 ? "{...}" : name);
                return;
            case BtfKind.Union:
                sb.Append("union ").Append(name.Length == 0 ? "{...}" : name);
                return;
            case BtfKind.Enum:
            case BtfKind.Enum64:
                sb.Append("enum ").Append(name.Length == 0 ? "{...}" : name);
                return;
            case BtfKind.Fwd:
                sb.Append(t.KindFlag ? "union " : "struct ").Append(name);
                return;
            case BtfKind.Ptr:
                Append(btf, t.Type, sb, depth + 1);
                sb.Append(" *");
                return;
            case BtfKind.Const:
                sb.Append("const ");
                Append(btf, t.Type, sb, depth + 1);
                return;
            case BtfKind.Volatile:
                sb.Append("volatile ");
                Append(btf, t.Type, sb, depth + 1);
                return;
            case BtfKind.Restrict:
                Append(btf, t.Type, sb, depth + 1);
                sb.Append(" restrict");
                return;
            case BtfKind.TypeTag:
                Append(btf, t.Type, sb, depth + 1);
                sb.Append(" __tag(").Append(name).Append(')');
                return;
            case BtfKind.Array:
                Append(btf, t.ArrayElementType, sb, depth + 1);
                sb.Append('[').Append(t.ArrayLength).Append(']');
                return;
            case BtfKind.FuncProto:
                Append(btf, t.Type, sb, depth + 1);
                sb.Append(" (*)(...)");
                return;
            case BtfKind.Func:
            case BtfKind.Var:
                sb.Append(name);
                return;
            case BtfKind.Datasec:
                sb.Append("section ").Append(name);
                return;
            default:
                sb.Append(BtfKindNames.Of(t.Kind).ToLowerInvariant()).Append(' ').Append(name);
                return;
        }
    }
}
