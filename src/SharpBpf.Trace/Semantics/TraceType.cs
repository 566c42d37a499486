using System.Text;

namespace SharpBpf.Trace.Semantics;

/// <summary>
/// The type of a value in a script, as bpftrace's SizedType: kind, size in bytes, signedness and
/// the parts (tuple elements, the pointee, a struct's BTF type, lhist's bounds).
/// </summary>
public sealed class TraceType : IEquatable<TraceType>
{
    private TraceType(TypeKind kind, int size, bool signed = false)
    {
        Kind = kind;
        Size = size;
        IsSigned = signed;
    }

    /// <summary>No value.</summary>
    public static TraceType None { get; } = new(TypeKind.None, 0);

    /// <summary>int64.</summary>
    public static TraceType Int64 { get; } = new(TypeKind.Integer, 8, signed: true);

    /// <summary>uint64.</summary>
    public static TraceType UInt64 { get; } = new(TypeKind.Integer, 8);

    /// <summary>The kind.</summary>
    public TypeKind Kind { get; }

    /// <summary>Size in bytes as stored (strings include the NUL; pointers are 8).</summary>
    public int Size { get; }

    /// <summary>True for signed integers.</summary>
    public bool IsSigned { get; }

    /// <summary>Tuple elements.</summary>
    public IReadOnlyList<TraceType> Elements { get; private init; } = [];

    /// <summary>What a pointer points to or an array holds (null: unknown, void).</summary>
    public TraceType? Element { get; private init; }

    /// <summary>Array length.</summary>
    public int Length { get; private init; }

    /// <summary>The struct's BTF type id (Record) in vmlinux.</summary>
    public uint BtfId { get; private init; }

    /// <summary>The struct's name (<c>struct task_struct</c>) for records and pointers to them.</summary>
    public string? StructName { get; private init; }

    /// <summary>True for the probe's context pointer (<c>args</c>): fields are read directly, not with probe_read.</summary>
    public bool IsContext { get; private init; }

    /// <summary>True when memory behind this pointer is user memory (uprobe arguments, syscall pointers).</summary>
    public bool IsUser { get; private init; }

    /// <summary>strftime()'s format.</summary>
    public string? Format { get; private init; }

    /// <summary>lhist's min, max and step.</summary>
    public (long Min, long Max, long Step) LhistBounds { get; private init; }

    /// <summary>kstack/ustack: frames kept (bpftrace's StackType.limit).</summary>
    public int StackLimit { get; private init; } = Planning.ResourcePlan.StackFrames;

    /// <summary>kstack/ustack: printed in perf's layout (bpftrace's StackMode::perf) rather than bpftrace's.</summary>
    public bool StackPerf { get; private init; }

    /// <summary>An integer type.</summary>
    public static TraceType Integer(int size, bool signed) => size == 8 ? (signed ? Int64 : UInt64) : new(TypeKind.Integer, size, signed);

    /// <summary>A string of <paramref name="size"/> bytes (NUL included).</summary>
    public static TraceType String(int size) => new(TypeKind.String, size);

    /// <summary>A tuple.</summary>
    public static TraceType Tuple(IReadOnlyList<TraceType> elements)
    {
        int size = 0;
        foreach (var e in elements)
            size = Align8(size) + e.Size;
        return new(TypeKind.Tuple, Align8(size)) { Elements = elements };
    }

    /// <summary>Offsets of each tuple element (each aligned to 8, as bpftrace lays out tuples).</summary>
    public int[] TupleOffsets()
    {
        var offsets = new int[Elements.Count];
        int size = 0;
        for (int i = 0; i < Elements.Count; i++)
        {
            size = Align8(size);
            offsets[i] = size;
            size += Elements[i].Size;
        }
        return offsets;
    }

    /// <summary>A pointer.</summary>
    public static TraceType Pointer(TraceType? element, bool context = false, bool user = false) =>
        new(TypeKind.Pointer, 8) { Element = element, IsContext = context, IsUser = user, StructName = element?.StructName };

    /// <summary>A struct or union.</summary>
    public static TraceType Record(string name, uint btfId, int size) => new(TypeKind.Record, size) { StructName = name, BtfId = btfId };

    /// <summary>An array.</summary>
    public static TraceType ArrayOf(TraceType element, int length) => new(TypeKind.Array, element.Size * length) { Element = element, Length = length };

    /// <summary>A type with no parts: aggregations, stacks, symbols (Size is the value's storage).</summary>
    public static TraceType Of(TypeKind kind) => kind switch
    {
        TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Hist or TypeKind.Kstack or TypeKind.Ustack
            or TypeKind.Ksym or TypeKind.Username or TypeKind.Probe => new(kind, 8, kind is TypeKind.Sum or TypeKind.Min or TypeKind.Max),
        TypeKind.Avg or TypeKind.Stats => new(kind, 16, true),
        // the address, then the pid of the process it belongs to (bpftrace's usym is 16 bytes too):
        // symbols are looked up in that process's mappings when printed
        TypeKind.Usym => new(kind, 16),
        _ => new(kind, 0),
    };

    /// <summary>kstack(mode, limit) or ustack(mode, limit): an 8-byte stack id (and pid, for user stacks).</summary>
    public static TraceType Stack(bool user, bool perf, int limit) =>
        new(user ? TypeKind.Ustack : TypeKind.Kstack, 8) { StackPerf = perf, StackLimit = limit };

    /// <summary>buf()'s value: a length byte, then up to <paramref name="capacity"/> bytes.</summary>
    public static TraceType Buffer(int capacity) => new(TypeKind.Buffer, capacity + 1);

    /// <summary>ntop()'s value: an 8-byte address family, then 16 bytes of address (network order).</summary>
    public static TraceType Inet() => new(TypeKind.Inet, 24);

    /// <summary>
    /// strftime(<paramref name="format"/>, nsecs): 8 bytes of nanoseconds since boot, then 8 of the
    /// format's index in the plan (<see cref="Planning.ResourcePlan.StrftimeFormats"/>), so values of one
    /// map or variable written with different formats each print with their own.
    /// </summary>
    public static TraceType Strftime(string format) => new(TypeKind.Strftime, 16) { Format = format };

    /// <summary>macaddr()'s value: 6 bytes.</summary>
    public static TraceType MacAddress() => new(TypeKind.MacAddress, 6);

    /// <summary>lhist() with its bounds.</summary>
    public static TraceType Lhist(long min, long max, long step) => new(TypeKind.Lhist, 8) { LhistBounds = (min, max, step) };

    /// <summary>True for integers.</summary>
    public bool IsInteger => Kind == TypeKind.Integer;

    /// <summary>True for the aggregations (values kept per CPU and folded when printed).</summary>
    public bool IsAggregation => Kind is TypeKind.Count or TypeKind.Sum or TypeKind.Min or TypeKind.Max or TypeKind.Avg or TypeKind.Stats or TypeKind.Hist or TypeKind.Lhist;

    /// <summary>The type as bpftrace names it in messages: <c>int64</c>, <c>unsigned int64</c>, <c>string[2]</c>.</summary>
    public override string ToString()
    {
        switch (Kind)
        {
            case TypeKind.None: return "none";
            case TypeKind.Integer: return (IsSigned ? "int" : "unsigned int") + (Size * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case TypeKind.String: return $"string[{Size}]";
            case TypeKind.Pointer: return (Element is null ? "void" : Element.Kind == TypeKind.Integer ? Element.ToString() : Element.StructName ?? Element.ToString()) + " *";
            case TypeKind.Record: return StructName ?? "struct";
            case TypeKind.Array: return $"{Element}[{Length}]";
            case TypeKind.Strftime: return "timestamp"; // bpftrace's Type::timestamp
            case TypeKind.Tuple:
            {
                var sb = new StringBuilder("(");
                for (int i = 0; i < Elements.Count; i++)
                    sb.Append(i == 0 ? "" : ",").Append(Elements[i]);
                return sb.Append(')').ToString();
            }
            default:
                return Kind.ToString().ToLowerInvariant();
        }
    }

    /// <inheritdoc/>
    public bool Equals(TraceType? other)
    {
        if (other is null)
            return false;
        if (ReferenceEquals(this, other))
            return true;
        if (Kind != other.Kind || Size != other.Size || IsSigned != other.IsSigned || StructName != other.StructName || Format != other.Format)
            return false;
        if (Elements.Count != other.Elements.Count)
            return false;
        for (int i = 0; i < Elements.Count; i++)
        {
            if (!Elements[i].Equals(other.Elements[i]))
                return false;
        }
        return Kind != TypeKind.Lhist || LhistBounds == other.LhistBounds;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TraceType);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Size, IsSigned);

    private static int Align8(int n) => (n + 7) & ~7;
}
