using System.Text;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Trace.Semantics;

/// <summary>
/// Struct layouts from the kernel's BTF (/sys/kernel/btf/vmlinux), read only when a script
/// touches a struct (<c>curtask-&gt;parent-&gt;pid</c>, a cast): most one-liners never pay for it.
/// </summary>
public sealed class KernelTypes
{
    private readonly Func<BtfSpec?> _load;
    private BtfSpec? _spec;
    private bool _loaded;
    private readonly Dictionary<string, uint> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates the lookup over a BTF loader (called at most once).</summary>
    public KernelTypes(Func<BtfSpec?> load) => _load = load;

    /// <summary>Types from /sys/kernel/btf/vmlinux.</summary>
    public static KernelTypes Vmlinux() => new(() => File.Exists("/sys/kernel/btf/vmlinux") ? BtfSpec.Load("/sys/kernel/btf/vmlinux") : null);

    private BtfSpec? Spec
    {
        get
        {
            if (!_loaded)
            {
                _loaded = true;
                try
                {
                    _spec = _load();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Diagnostics.BpfFormatException)
                {
                    _spec = null;
                }
            }
            return _spec;
        }
    }

    /// <summary>True when kernel BTF is available.</summary>
    public bool Available => Spec is not null;

    /// <summary>The record type of <c>struct NAME</c> / <c>union NAME</c>, or null.</summary>
    public TraceType? Struct(string name)
    {
        var spec = Spec;
        if (spec is null)
            return null;
        bool union = name.StartsWith("union ", StringComparison.Ordinal);
        string bare = name.StartsWith("struct ", StringComparison.Ordinal) ? name[7..] : union ? name[6..] : name;
        if (!_byName.TryGetValue(name, out uint id))
        {
            var kind = union ? BtfKind.Union : BtfKind.Struct;
            byte[] want = Encoding.UTF8.GetBytes(bare);
            for (uint i = 1; i < (uint)spec.TypeCount; i++)
            {
                var t = spec.GetType(i);
                if (t.Kind == kind && t.Vlen > 0 && t.NameUtf8.SequenceEqual(want))
                {
                    id = i;
                    break;
                }
            }
            _byName[name] = id;
        }
        if (id == 0)
            return null;
        return TraceType.Record((union ? "union " : "struct ") + bare, id, (int)spec.GetType(id).Size);
    }

    /// <summary>Finds a field of a record (looking into anonymous members): its byte offset and type.</summary>
    public bool TryField(TraceType record, string field, out int offset, out TraceType type)
    {
        offset = 0;
        type = TraceType.None;
        var spec = Spec;
        if (spec is null || record.BtfId == 0)
            return false;
        return FindMember(spec, record.BtfId, Encoding.UTF8.GetBytes(field), 0, ref offset, ref type);
    }

    private bool FindMember(BtfSpec spec, uint structId, byte[] name, int baseOffset, ref int offset, ref TraceType type)
    {
        var t = spec.SkipModifiersAndTypedefs(structId);
        if (t.Kind is not (BtfKind.Struct or BtfKind.Union))
            return false;
        for (int i = 0; i < t.Vlen; i++)
        {
            var m = t.Member(i);
            int bitOffset = (int)(t.KindFlag ? m.BitOffset & 0xffffff : m.BitOffset);
            if (m.NameOffset == 0)
            {
                if (FindMember(spec, m.Type.Value, name, baseOffset + bitOffset / 8, ref offset, ref type))
                    return true;
                continue;
            }
            if (m.NameUtf8.SequenceEqual(name))
            {
                offset = baseOffset + bitOffset / 8;
                type = FromBtf(m.Type.Value);
                return true;
            }
        }
        return false;
    }

    /// <summary>The script type of a BTF type: integers, pointers, records, char arrays as strings.</summary>
    public TraceType FromBtf(uint id)
    {
        var spec = Spec!;
        var t = spec.SkipModifiersAndTypedefs(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
                return TraceType.Integer((int)t.Size, (t.IntEncoding & 1) != 0);
            case BtfKind.Enum:
            case BtfKind.Enum64:
                return TraceType.Integer((int)t.Size, t.EnumSigned);
            case BtfKind.Ptr:
            {
                var target = spec.SkipModifiersAndTypedefs(t.Type);
                TraceType? element = target.Kind switch
                {
                    BtfKind.Struct or BtfKind.Union => TraceType.Record((target.Kind == BtfKind.Union ? "union " : "struct ") + target.Name, target.Id.Value, (int)target.Size),
                    BtfKind.Int => TraceType.Integer((int)target.Size, (target.IntEncoding & 1) != 0),
                    _ => null,
                };
                return TraceType.Pointer(element);
            }
            case BtfKind.Struct:
            case BtfKind.Union:
                return TraceType.Record((t.Kind == BtfKind.Union ? "union " : "struct ") + t.Name, t.Id.Value, (int)t.Size);
            case BtfKind.Array:
            {
                var element = spec.SkipModifiersAndTypedefs(t.ArrayElementType);
                if (element.Kind == BtfKind.Int && element.Size == 1)
                    return TraceType.String((int)t.ArrayLength);
                return TraceType.ArrayOf(FromBtf(t.ArrayElementType.Value), (int)t.ArrayLength);
            }
            default:
                return TraceType.UInt64;
        }
    }
}
