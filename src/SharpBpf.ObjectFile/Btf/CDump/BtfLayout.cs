using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf.CDump;

/// <summary>
/// Sizes and alignments as libbpf computes them for btf_dump (btf.c: determine_ptr_size,
/// btf__align_of, btf__resolve_size), including their failure values, because the C dump prints
/// what they return: an alignment of 0 or a size of -1 changes padding and packing decisions.
/// Alignments are memoized per type: vmlinux asks for the same embedded structs thousands of times.
/// </summary>
internal sealed class BtfLayout
{
    // libbpf's MAX_RESOLVE_DEPTH.
    private const int MaxResolveDepth = 32;

    private const int NotComputed = -1;
    private const int InProgress = -2;

    private static readonly string[] LongAliases =
    [
        "long", "long int", "int long", "unsigned long", "long unsigned", "unsigned long int", "unsigned int long",
        "long unsigned int", "long int unsigned", "int unsigned long", "int long unsigned",
    ];

    private readonly BtfSpec _btf;
    private readonly int[] _align;

    public BtfLayout(BtfSpec btf)
    {
        _btf = btf;
        PointerSize = DeterminePointerSize(btf);
        _align = new int[btf.TypeCount];
        _align.AsSpan().Fill(NotComputed);
    }

    /// <summary>
    /// btf__pointer_size, falling back to the host's 8 as btf_dump__new does. libbpf guesses from
    /// the first 4- or 8-byte INT named like <c>long</c>; for an ELF it uses the ELF class instead,
    /// which for BPF objects (always ELFCLASS64) agrees unless an object declares a 4-byte long.
    /// </summary>
    public int PointerSize { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DeterminePointerSize(BtfSpec btf)
    {
        for (uint id = 1; id < (uint)btf.TypeCount; id++)
        {
            var t = btf.GetType(id);
            if (t.Kind != BtfKind.Int || t.Size is not (4 or 8))
                continue;
            var name = t.NameUtf8;
            foreach (var alias in LongAliases)
            {
                if (name.Length == alias.Length && System.Text.Ascii.Equals(name, alias))
                    return (int)t.Size;
            }
        }
        return 8;
    }

    /// <summary>btf__align_of: 0 when the type has no alignment (void, FWD, FUNC_PROTO, ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AlignOf(uint id)
    {
        int cached = _align[id];
        if (cached >= 0)
            return cached;
        if (cached == InProgress)
            return 0; // a struct embedding itself: malformed BTF, where libbpf would recurse forever
        _align[id] = InProgress;
        int align = ComputeAlign(id);
        _align[id] = align;
        return align;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ComputeAlign(uint id)
    {
        var t = _btf.GetType(id);
        switch (t.Kind)
        {
            case BtfKind.Int:
            case BtfKind.Enum:
            case BtfKind.Enum64:
            case BtfKind.Float:
                return (int)Math.Min((uint)PointerSize, t.Size);
            case BtfKind.Ptr:
                return PointerSize;
            case BtfKind.Typedef:
            case BtfKind.Volatile:
            case BtfKind.Const:
            case BtfKind.Restrict:
            case BtfKind.TypeTag:
                return AlignOf(t.Type.Value);
            case BtfKind.Array:
                return AlignOf(t.ArrayElementType.Value);
            case BtfKind.Struct:
            case BtfKind.Union:
            {
                int vlen = t.Vlen, maxAlign = 1;
                for (int i = 0; i < vlen; i++)
                {
                    var m = t.Member(i);
                    int align = AlignOf(m.Type.Value);
                    if (align <= 0)
                        return align;
                    maxAlign = Math.Max(maxAlign, align);
                    // A field off its natural alignment means the struct is packed (libbpf 1.1 with
                    // the 6.1-stable backport of "Fix btf__align_of() by taking into account field offsets").
                    if (m.BitfieldSize == 0 && RawMemberOffset(t, i) % (8u * (uint)align) != 0)
                        return 1;
                }
                return t.Size % (uint)maxAlign != 0 ? 1 : maxAlign;
            }
            default:
                return 0;
        }
    }

    /// <summary>The member's 32-bit offset field as stored (bitfield size in the top byte when kind_flag).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint RawMemberOffset(BtfType t, int i)
    {
        var m = t.Member(i);
        return t.KindFlag ? m.BitOffset | ((uint)m.BitfieldSize << 24) : m.BitOffset;
    }

    /// <summary>btf__resolve_size: the size in bytes, or a negative errno (-EINVAL, -E2BIG).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ResolveSize(uint id)
    {
        const long EInval = -22, E2Big = -7;
        uint nelems = 1;
        long size = -1;
        var t = _btf.GetType(id);
        for (int i = 0; i < MaxResolveDepth && !t.IsVoid && t.Kind != BtfKind.Fwd; i++)
        {
            switch (t.Kind)
            {
                case BtfKind.Int:
                case BtfKind.Struct:
                case BtfKind.Union:
                case BtfKind.Enum:
                case BtfKind.Enum64:
                case BtfKind.Datasec:
                case BtfKind.Float:
                    size = t.Size;
                    goto Done;
                case BtfKind.Ptr:
                    size = PointerSize;
                    goto Done;
                case BtfKind.Typedef:
                case BtfKind.Volatile:
                case BtfKind.Const:
                case BtfKind.Restrict:
                case BtfKind.Var:
                case BtfKind.DeclTag:
                case BtfKind.TypeTag:
                    id = t.Type.Value;
                    break;
                case BtfKind.Array:
                    uint n = t.ArrayLength;
                    if (nelems != 0 && n > uint.MaxValue / nelems)
                        return E2Big;
                    nelems *= n;
                    id = t.ArrayElementType.Value;
                    break;
                default:
                    return EInval;
            }
            t = _btf.GetType(id);
        }
    Done:
        if (size < 0)
            return EInval;
        if (nelems != 0 && size > uint.MaxValue / nelems)
            return E2Big;
        return nelems * size;
    }
}
