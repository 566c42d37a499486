using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace SharpBpf.ObjectFile.Btf.CDump;

internal sealed partial class CTypeDumper
{
    // btf_dump_resolve_name's snprintf buffer: longer names are cut to 255 bytes.
    private const int MaxResolvedName = 255;

    // Struct/union/enum tags and typedef/enumerator identifiers live in separate C namespaces.
    private readonly NameCounter _typeNames;
    private readonly NameCounter _identNames;

    // The ___N suffix a type's name got when it was first resolved (0: none).
    private readonly int[] _dup;

    /// <summary>A name as the dump writes it: a BTF string, plus <c>___N</c> when N &gt; 1.</summary>
    private readonly record struct DeclName(uint Offset, int Dup)
    {
        public static DeclName None => default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Str(uint offset) => _btf.GetStringUtf8(offset);

    /// <summary>
    /// btf_dump_resolve_name: the first time a type's name is needed it claims the next occurrence
    /// of that name; the second distinct <c>struct foo</c> becomes <c>foo___2</c>. Forward
    /// declarations (FWD, an ENUM without values) never claim one: they name the real definition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DeclName ResolveName(uint id, BtfType t, NameCounter names)
    {
        uint nameOffset = t.NameOffset;
        if (nameOffset == 0)
            return DeclName.None;
        if ((_flags[id] & NameResolved) != 0)
            return new DeclName(nameOffset, _dup[id]);
        _flags[id] |= NameResolved;
        if (t.Kind == BtfKind.Fwd || t.Kind == BtfKind.Enum && t.Vlen == 0)
            return new DeclName(nameOffset, 0);
        int dup = names.Increment(nameOffset);
        _dup[id] = dup > 1 ? dup : 0;
        return new DeclName(nameOffset, _dup[id]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private DeclName TypeName(uint id, BtfType t) => ResolveName(id, t, _typeNames);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private DeclName IdentName(uint id, BtfType t) => ResolveName(id, t, _identNames);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsEmpty(DeclName name) => name.Offset == 0 || Str(name.Offset).IsEmpty;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write(DeclName name)
    {
        var s = Str(name.Offset);
        if (name.Dup <= 1)
        {
            _o.Append(s);
            return;
        }
        WriteWithSuffix(s, name.Dup);
    }

    /// <summary><c>name___N</c>, cut as libbpf's 256-byte snprintf buffer cuts it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteWithSuffix(ReadOnlySpan<byte> name, int dup)
    {
        if (name.Length >= MaxResolvedName)
        {
            _o.Append(name[..MaxResolvedName]);
            return;
        }
        Span<byte> buffer = stackalloc byte[MaxResolvedName + 16];
        name.CopyTo(buffer);
        int n = name.Length;
        "___"u8.CopyTo(buffer[n..]);
        n += 3;
        Utf8Formatter.TryFormat(dup, buffer[n..], out int digits);
        n += digits;
        _o.Append(buffer[..Math.Min(n, MaxResolvedName)]);
    }
}
