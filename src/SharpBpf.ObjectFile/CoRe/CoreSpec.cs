using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>
/// One "turning point" of an access: a named member, an array index (no name), or for enum
/// relocations the enumerator (libbpf's struct bpf_core_accessor).
/// </summary>
/// <param name="TypeId">The struct/union/array element/enum the accessor indexes into.</param>
/// <param name="Index">Member, element or enumerator index.</param>
/// <param name="Name">Member or enumerator name; null for an array index.</param>
internal readonly record struct CoreAccessor(BtfTypeId TypeId, int Index, string? Name);

/// <summary>
/// A parsed access (libbpf's struct bpf_core_spec): the raw access string as indices, the
/// high-level accessors (named members and array indices; anonymous members are only in
/// <see cref="Raw"/>), and the bit offset it reaches. Built from the local BTF by
/// <see cref="Parse"/> and for each target candidate by <see cref="CoreMatcher.SpecMatch"/>.
/// </summary>
internal sealed class CoreSpec(BtfSpec btf, BtfTypeId rootTypeId, CoreRelocationKind kind)
{
    /// <summary>BPF_CORE_SPEC_MAX_LEN: deepest nesting an access string may have.</summary>
    public const int MaxLength = 64;

    public BtfSpec Btf { get; } = btf;

    /// <summary>The relocation's root type, before typedefs and modifiers are skipped.</summary>
    public BtfTypeId RootTypeId { get; } = rootTypeId;

    public CoreRelocationKind Kind { get; } = kind;

    public List<CoreAccessor> Accessors { get; } = [];

    public List<int> Raw { get; } = [];

    /// <summary>Bit offset from the root (libbpf keeps a __u32; a long cannot wrap).</summary>
    public long BitOffset { get; set; }

    /// <summary>
    /// bpf_core_parse_spec: "0:1:2" into raw indices and accessors. The first index is an array
    /// index on the root (p[0]), then members of structs/unions (anonymous ones leave no
    /// accessor) and array elements; for enum relocations the one index is the enumerator.
    /// </summary>
    public static CoreSpec? Parse(BtfSpec btf, BtfTypeId rootId, string access, CoreRelocationKind kind, out string? error)
    {
        error = null;
        var spec = new CoreSpec(btf, rootId, kind);
        if (access.Length == 0 || access[0] == ':')
        {
            error = $"access string \"{access}\" is empty or starts with ':'";
            return null;
        }
        if (CoreNames.IsTypeBased(kind))
        {
            // Type relocations carry no field access: the string is always "0".
            if (access != "0")
            {
                error = $"type relocation has access string \"{access}\", expected \"0\"";
                return null;
            }
            return spec;
        }
        if (!TryParseIndices(access, spec.Raw, out error))
            return null;

        var t = btf.SkipModifiersAndTypedefs(rootId);
        var id = t.Id;
        int index = spec.Raw[0];
        spec.Accessors.Add(new CoreAccessor(id, index, null));

        if (CoreNames.IsEnumValueBased(kind))
        {
            if (t.Kind is not (BtfKind.Enum or BtfKind.Enum64) || spec.Raw.Count > 1 || index < 0 || index >= t.Vlen)
            {
                error = $"enumerator access \"{access}\" does not name an enumerator of {CoreNames.DescribeType(btf, rootId)}";
                return null;
            }
            spec.Accessors[0] = new CoreAccessor(id, index, t.EnumValue(index).Name);
            return spec;
        }
        if (!CoreNames.IsFieldBased(kind))
        {
            error = $"unknown relocation kind {(uint)kind}";
            return null;
        }

        if (btf.SizeOf(id) is not { } rootSize)
        {
            error = $"{CoreNames.DescribeType(btf, rootId)} has no size";
            return null;
        }
        spec.BitOffset = index * rootSize * 8;

        for (int i = 1; i < spec.Raw.Count; i++)
        {
            t = btf.SkipModifiersAndTypedefs(id);
            id = t.Id;
            index = spec.Raw[i];
            if (t.Kind is BtfKind.Struct or BtfKind.Union)
            {
                if (index < 0 || index >= t.Vlen)
                {
                    error = $"access \"{access}\": member {index} of {CoreNames.DescribeType(btf, id)} does not exist (it has {t.Vlen})";
                    return null;
                }
                var m = t.Member(index);
                spec.BitOffset += m.BitOffset;
                if (m.NameOffset != 0)
                {
                    string name = m.Name;
                    if (name.Length == 0)
                    {
                        error = $"access \"{access}\": member {index} of {CoreNames.DescribeType(btf, id)} has an empty name";
                        return null;
                    }
                    spec.Accessors.Add(new CoreAccessor(id, index, name));
                }
                id = m.Type;
            }
            else if (t.Kind == BtfKind.Array)
            {
                uint length = t.ArrayLength;
                var element = btf.SkipModifiersAndTypedefs(t.ArrayElementType);
                id = element.Id;
                bool flex = IsFlexibleArray(btf, spec.Accessors[^1], length);
                if (index < 0 || !flex && (uint)index >= length)
                {
                    error = $"access \"{access}\": index {index} is out of bounds of an array of {length}";
                    return null;
                }
                spec.Accessors.Add(new CoreAccessor(id, index, null));
                if (btf.SizeOf(id) is not { } elementSize)
                {
                    error = $"access \"{access}\": array element {CoreNames.DescribeType(btf, id)} has no size";
                    return null;
                }
                spec.BitOffset += index * elementSize * 8;
            }
            else
            {
                error = $"access \"{access}\" (at index {i}) goes into {CoreNames.DescribeType(btf, id)}, which is {BtfKindNames.Of(t.Kind)}, not a struct, union or array";
                return null;
            }
        }
        return spec;
    }

    /// <summary>
    /// is_flex_arr: an array of 0 elements that is the last member of the struct the previous
    /// accessor named may be indexed past its end.
    /// </summary>
    internal static bool IsFlexibleArray(BtfSpec btf, CoreAccessor previous, uint length)
    {
        if (previous.Name is null || length > 0)
            return false;
        var t = btf.GetType(previous.TypeId);
        return previous.Index == t.Vlen - 1;
    }

    // sscanf("%d%n") after an optional ':', as libbpf parses; at most MaxLength indices.
    private static bool TryParseIndices(string access, List<int> raw, out string? error)
    {
        error = null;
        int at = 0;
        while (at < access.Length)
        {
            if (access[at] == ':')
                at++;
            int start = at;
            if (at < access.Length && access[at] is '-' or '+')
                at++;
            while (at < access.Length && char.IsAsciiDigit(access[at]))
                at++;
            if (!int.TryParse(access.AsSpan(start, at - start), System.Globalization.NumberStyles.AllowLeadingSign,
                    System.Globalization.CultureInfo.InvariantCulture, out int value))
            {
                error = $"access string \"{access}\" is not a list of numbers separated by ':'";
                return false;
            }
            if (raw.Count == MaxLength)
            {
                error = $"access string \"{access}\" is deeper than {MaxLength}";
                return false;
            }
            raw.Add(value);
        }
        if (raw.Count == 0)
        {
            error = "access string is empty";
            return false;
        }
        return true;
    }

    /// <summary>
    /// The access in C terms from the raw indices: <c>struct task_struct.comm[0]</c>,
    /// <c>struct mm_struct.__anon.total_vm</c> (anonymous members shown as __anon),
    /// <c>enum pid_type::PIDTYPE_MAX</c>, or just the type for type relocations.
    /// </summary>
    public string Describe()
    {
        var sb = new StringBuilder(CoreNames.DescribeType(Btf, RootTypeId));
        if (CoreNames.IsTypeBased(Kind) || Raw.Count == 0)
            return sb.ToString();
        if (CoreNames.IsEnumValueBased(Kind))
        {
            var e = Btf.SkipModifiersAndTypedefs(RootTypeId);
            if (Raw[0] >= 0 && Raw[0] < e.Vlen)
                sb.Append("::").Append(e.EnumValue(Raw[0]).Name);
            return sb.ToString();
        }
        if (Raw[0] != 0)
            sb.Append('[').Append(Raw[0]).Append(']');
        var id = RootTypeId;
        for (int i = 1; i < Raw.Count; i++)
        {
            var t = Btf.SkipModifiersAndTypedefs(id);
            int index = Raw[i];
            if (t.Kind is BtfKind.Struct or BtfKind.Union && index >= 0 && index < t.Vlen)
            {
                var m = t.Member(index);
                sb.Append('.').Append(m.NameOffset == 0 ? "__anon" : m.Name);
                id = m.Type;
            }
            else if (t.Kind == BtfKind.Array)
            {
                sb.Append('[').Append(index).Append(']');
                id = t.ArrayElementType;
            }
            else
            {
                sb.Append(":?");
                break;
            }
        }
        return sb.ToString();
    }

    /// <summary>The raw indices as an access string ("0:92").</summary>
    public string RawString() => string.Join(':', Raw);
}
