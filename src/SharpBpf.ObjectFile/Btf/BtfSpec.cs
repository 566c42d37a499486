using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>
/// Parsed BTF: the raw bytes, an index of where each type record starts, and the string section.
/// Types are decoded on demand through <see cref="BtfType"/> views, so parsing vmlinux's 5 MB
/// allocates one int per type and nothing else. Split BTF (a module's BTF on top of vmlinux)
/// continues the base's type ids and string offsets.
/// </summary>
public sealed partial class BtfSpec
{
    /// <summary>BTF_MAGIC.</summary>
    public const ushort Magic = 0xeB9F;

    private const int HeaderSize = 24;

    private readonly byte[] _data;
    private readonly int[] _offsets;
    private readonly int _stringsStart;
    private readonly int _stringsLength;
    private readonly uint _baseStringsLength;
    private string?[]? _stringCache;

    private BtfSpec(byte[] data, int[] offsets, int typesStart, int typesLength, int stringsStart, int stringsLength, BtfSpec? baseSpec)
    {
        _data = data;
        _offsets = offsets;
        TypesStart = typesStart;
        TypesLength = typesLength;
        _stringsStart = stringsStart;
        _stringsLength = stringsLength;
        Base = baseSpec;
        FirstId = baseSpec is null ? 1u : (uint)baseSpec.TypeCount;
        _baseStringsLength = baseSpec is null ? 0u : (uint)baseSpec.TotalStringsLength;
    }

    /// <summary>The raw BTF bytes (header, types, strings).</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The base BTF of a split BTF, or null.</summary>
    public BtfSpec? Base { get; }

    /// <summary>The first type id this spec defines (1, or the base's count for split BTF).</summary>
    public uint FirstId { get; }

    /// <summary>Number of type ids, including void and any base types: valid ids are 0 .. TypeCount-1.</summary>
    public int TypeCount => (int)FirstId + _offsets.Length;

    /// <summary>Number of types this spec itself defines.</summary>
    public int LocalTypeCount => _offsets.Length;

    /// <summary>Offset of the type section in <see cref="Bytes"/>.</summary>
    public int TypesStart { get; }

    /// <summary>Length of the type section.</summary>
    public int TypesLength { get; }

    /// <summary>Length of this spec's string section.</summary>
    public int StringsLength => _stringsLength;

    /// <summary>String offsets available through this spec (base and own).</summary>
    public long TotalStringsLength => _baseStringsLength + (uint)_stringsLength;

    /// <summary>The type with an id; throws for an id out of range.</summary>
    public BtfType this[BtfTypeId id] => GetType(id);

    /// <summary>The type with an id; throws for an id out of range.</summary>
    // Called millions of times by a one-shot dump, which ends before tiered JIT would optimize it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BtfType GetType(BtfTypeId id)
    {
        uint v = id.Value;
        if (v == 0)
            return new BtfType(this, id, -1);
        if (v < FirstId)
            return Base!.GetType(id);
        uint local = v - FirstId;
        if (local >= (uint)_offsets.Length)
            throw new ArgumentOutOfRangeException(nameof(id), $"BTF type id {v} does not exist (max {TypeCount - 1})");
        return new BtfType(this, id, _offsets[local]);
    }

    /// <summary>Whether an id names a type (or void).</summary>
    public bool Contains(BtfTypeId id) => id.Value < (uint)TypeCount;

    /// <summary>The NUL-terminated string at an offset, as UTF-8 bytes (without the NUL).</summary>
    // As hot as GetType in a dump.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> GetStringUtf8(uint offset)
    {
        if (offset < _baseStringsLength)
            return Base!.GetStringUtf8(offset);
        uint local = offset - _baseStringsLength;
        if (local >= (uint)_stringsLength)
            return [];
        var s = _data.AsSpan(_stringsStart + (int)local, _stringsLength - (int)local);
        int nul = s.IndexOf((byte)0);
        return nul < 0 ? s : s[..nul];
    }

    /// <summary>The string at an offset ("" for 0).</summary>
    public string GetString(uint offset)
    {
        if (offset == 0)
            return "";
        if (offset < _baseStringsLength)
            return Base!.GetString(offset);
        // Strings are shared by many types (vmlinux has ~80k distinct names): decode each once.
        _stringCache ??= new string?[Math.Max(_stringsLength, 1)];
        uint local = offset - _baseStringsLength;
        if (local >= (uint)_stringCache.Length)
            return "";
        return _stringCache[local] ??= Encoding.UTF8.GetString(GetStringUtf8(offset));
    }

    /// <summary>Finds the first type with a name and kind (linear scan, then cached per name).</summary>
    public BtfTypeId FindByName(string name, BtfKind kind)
    {
        for (uint id = 1; id < (uint)TypeCount; id++)
        {
            var t = GetType(id);
            if (t.Kind == kind && t.Name == name)
                return id;
        }
        return BtfTypeId.Void;
    }

    /// <summary>Parses BTF; throws <see cref="BpfFormatException"/> with the offset of the problem.</summary>
    public static BtfSpec Parse(byte[] data, BtfSpec? baseSpec = null, string? file = null, long fileOffset = 0) =>
        TryParse(data, baseSpec, out var spec, out var diagnostic, file, fileOffset) ? spec! : throw new BpfFormatException(diagnostic!);

    /// <summary>Reads /sys/kernel/btf/vmlinux or any raw BTF file.</summary>
    public static BtfSpec Load(string path, BtfSpec? baseSpec = null) => Parse(File.ReadAllBytes(path), baseSpec, path);

    /// <summary>
    /// Parses BTF, validating it as libbpf does (header, section bounds, every record's size, string
    /// offsets and type references). <paramref name="fileOffset"/> is where the bytes start in
    /// <paramref name="file"/> (the .BTF section's offset in an ELF), for diagnostics.
    /// </summary>
    public static bool TryParse(byte[] data, BtfSpec? baseSpec, out BtfSpec? spec, out Diagnostic? diagnostic,
        string? file = null, long fileOffset = 0)
    {
        spec = null;
        diagnostic = null;
        Diagnostic Bad(string id, string message, long at) =>
            new(id, message, SourceLocation.AtOffset(fileOffset + at, file));

        if (data.Length < HeaderSize)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, $"BTF is {data.Length} bytes, shorter than its {HeaderSize}-byte header", 0);
            return false;
        }
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (magic != Magic)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, magic == 0x9feb
                ? "big-endian BTF is not supported"
                : $"bad BTF magic 0x{magic:x4} (expected 0xeb9f)", 0);
            return false;
        }
        if (data[2] != 1)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, $"unsupported BTF version {data[2]}", 2);
            return false;
        }
        uint hdrLen = U32(data, 4), typeOff = U32(data, 8), typeLen = U32(data, 12), strOff = U32(data, 16), strLen = U32(data, 20);
        if (hdrLen < HeaderSize || hdrLen > (uint)data.Length)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, $"BTF header length {hdrLen} is invalid", 4);
            return false;
        }
        ulong body = (ulong)data.Length - hdrLen;
        if ((ulong)typeOff + typeLen > body || (ulong)strOff + strLen > body)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader,
                $"BTF sections (types {typeOff}+{typeLen}, strings {strOff}+{strLen}) exceed the {body} bytes after the header", 8);
            return false;
        }
        if (typeOff % 4 != 0)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, $"BTF type section offset {typeOff} is not 4-byte aligned", 8);
            return false;
        }
        if (typeOff < strOff && typeOff + typeLen > strOff || strOff < typeOff && strOff + strLen > typeOff)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfHeader, "BTF type and string sections overlap", 8);
            return false;
        }
        int typesStart = (int)(hdrLen + typeOff), stringsStart = (int)(hdrLen + strOff);
        // libbpf: the string section starts with "" (unless split) and ends with a NUL.
        if (strLen == 0 && baseSpec is null || strLen > 0 && data[stringsStart + (int)strLen - 1] != 0 ||
            baseSpec is null && strLen > 0 && data[stringsStart] != 0)
        {
            diagnostic = Bad(ObjectDiagnosticIds.BtfBadString, "BTF string section must start and end with a NUL byte", hdrLen + strOff);
            return false;
        }

        // Index the types.
        var offsets = new List<int>(Math.Min((int)(typeLen / 12) + 1, 1 << 20));
        int at = typesStart, end = typesStart + (int)typeLen;
        while (at < end)
        {
            if (end - at < 12)
            {
                diagnostic = Bad(ObjectDiagnosticIds.BtfTruncatedType, $"type record at the end is truncated ({end - at} of 12 bytes)", at);
                return false;
            }
            uint info = U32(data, at + 4);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            int extra = kind switch
            {
                BtfKind.Int => 4,
                BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
                BtfKind.Array => 12,
                BtfKind.Struct or BtfKind.Union => 12 * vlen,
                BtfKind.Enum => 8 * vlen,
                BtfKind.Enum64 => 12 * vlen,
                BtfKind.FuncProto => 8 * vlen,
                BtfKind.Var => 4,
                BtfKind.Datasec => 12 * vlen,
                BtfKind.DeclTag => 4,
                _ => -1,
            };
            if (extra < 0)
            {
                diagnostic = Bad(ObjectDiagnosticIds.BtfUnknownKind,
                    $"type [{(baseSpec is null ? 1 : baseSpec.TypeCount) + offsets.Count}] has unknown kind {(int)kind}", at + 4);
                return false;
            }
            if ((long)end - at - 12 < extra)
            {
                diagnostic = Bad(ObjectDiagnosticIds.BtfTruncatedType,
                    $"type [{(baseSpec is null ? 1 : baseSpec.TypeCount) + offsets.Count}] {BtfKindNames.Of(kind)} with vlen {vlen} runs past the type section", at);
                return false;
            }
            offsets.Add(at);
            at += 12 + extra;
        }

        var result = new BtfSpec(data, [.. offsets], typesStart, (int)typeLen, stringsStart, (int)strLen, baseSpec);
        diagnostic = result.Validate(file, fileOffset);
        if (diagnostic is not null)
            return false;
        spec = result;
        return true;
    }

    private static uint U32(byte[] data, int at) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at, 4));
}
