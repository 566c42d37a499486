using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>
/// The naming rules of CO-RE: libbpf's "flavors" (a <c>___suffix</c> that matching ignores) and
/// the short names libbpf gives relocation kinds in its logs.
/// </summary>
public static class CoreNames
{
    /// <summary>
    /// Length of a name without its flavor: everything before the last <c>X___Y</c> separator,
    /// where X and Y are not underscores (libbpf's bpf_core_essential_name_len). So
    /// <c>task_struct___local</c> is <c>task_struct</c>, <c>a___b___c</c> is <c>a___b</c>, while
    /// <c>foo____bar</c>, <c>___foo</c> and <c>foo___</c> have no flavor.
    /// </summary>
    public static int EssentialLength(ReadOnlySpan<byte> name)
    {
        for (int i = name.Length - 5; i >= 0; i--)
        {
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
                return i + 1;
        }
        return name.Length;
    }

    /// <summary>The name without its flavor suffix (see <see cref="EssentialLength(ReadOnlySpan{byte})"/>).</summary>
    public static string EssentialName(string name)
    {
        var utf8 = Encoding.UTF8.GetBytes(name);
        return Encoding.UTF8.GetString(utf8, 0, EssentialLength(utf8));
    }

    /// <summary>Whether two names are equal once their flavors are dropped.</summary>
    public static bool EssentialNamesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = EssentialLength(a);
        return n == EssentialLength(b) && a[..n].SequenceEqual(b[..n]);
    }

    /// <summary>libbpf's name of a relocation kind (core_relo_kind_str): <c>byte_off</c>, <c>enumval_value</c>, ...</summary>
    public static string Of(CoreRelocationKind kind) => kind switch
    {
        CoreRelocationKind.FieldByteOffset => "byte_off",
        CoreRelocationKind.FieldByteSize => "byte_sz",
        CoreRelocationKind.FieldExists => "field_exists",
        CoreRelocationKind.FieldSigned => "signed",
        CoreRelocationKind.FieldLShiftU64 => "lshift_u64",
        CoreRelocationKind.FieldRShiftU64 => "rshift_u64",
        CoreRelocationKind.TypeIdLocal => "local_type_id",
        CoreRelocationKind.TypeIdTarget => "target_type_id",
        CoreRelocationKind.TypeExists => "type_exists",
        CoreRelocationKind.TypeMatches => "type_matches",
        CoreRelocationKind.TypeSize => "type_size",
        CoreRelocationKind.EnumValueExists => "enumval_exists",
        CoreRelocationKind.EnumValueValue => "enumval_value",
        _ => "unknown",
    };

    /// <summary>Field relocations: offset, size, exists, signed, shifts (core_relo_is_field_based).</summary>
    public static bool IsFieldBased(CoreRelocationKind kind) => kind <= CoreRelocationKind.FieldRShiftU64;

    /// <summary>Type relocations: ids, exists, size, matches (core_relo_is_type_based).</summary>
    public static bool IsTypeBased(CoreRelocationKind kind) =>
        kind is CoreRelocationKind.TypeIdLocal or CoreRelocationKind.TypeIdTarget or CoreRelocationKind.TypeExists
            or CoreRelocationKind.TypeSize or CoreRelocationKind.TypeMatches;

    /// <summary>Enumerator relocations: exists, value (core_relo_is_enumval_based).</summary>
    public static bool IsEnumValueBased(CoreRelocationKind kind) =>
        kind is CoreRelocationKind.EnumValueExists or CoreRelocationKind.EnumValueValue;

    /// <summary>Kinds whose value says "not there" (0) instead of poisoning when no target matches.</summary>
    internal static bool HasValueWhenMissing(CoreRelocationKind kind) =>
        kind is CoreRelocationKind.FieldExists or CoreRelocationKind.EnumValueExists || IsTypeBased(kind);

    /// <summary>A type as the report names it: <c>struct task_struct</c>, <c>enum pid_type</c>, <c>pid_t</c>.</summary>
    internal static string DescribeType(BtfSpec btf, BtfTypeId id) => BtfTypeNames.Describe(btf, id);
}
