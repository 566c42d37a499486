using System.Buffers.Binary;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.ObjectFile.Btf;

/// <summary>A func_info record: the BTF FUNC of the function starting at an instruction.</summary>
/// <param name="InstructionOffset">Byte offset in the section (instruction index * 8).</param>
/// <param name="TypeId">The FUNC type.</param>
public readonly record struct BtfFuncInfo(uint InstructionOffset, BtfTypeId TypeId);

/// <summary>A line_info record: the source line of an instruction.</summary>
/// <param name="InstructionOffset">Byte offset in the section.</param>
/// <param name="FileNameOffset">Offset of the file name in the BTF strings.</param>
/// <param name="LineOffset">Offset of the source line text in the BTF strings.</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Column">Column.</param>
public readonly record struct BtfLineInfo(uint InstructionOffset, uint FileNameOffset, uint LineOffset, uint Line, uint Column);

/// <summary>CO-RE relocation kinds (enum bpf_core_relo_kind).</summary>
public enum CoreRelocationKind : uint
{
    /// <summary>BPF_CORE_FIELD_BYTE_OFFSET.</summary>
    FieldByteOffset = 0,
    /// <summary>BPF_CORE_FIELD_BYTE_SIZE.</summary>
    FieldByteSize = 1,
    /// <summary>BPF_CORE_FIELD_EXISTS.</summary>
    FieldExists = 2,
    /// <summary>BPF_CORE_FIELD_SIGNED.</summary>
    FieldSigned = 3,
    /// <summary>BPF_CORE_FIELD_LSHIFT_U64.</summary>
    FieldLShiftU64 = 4,
    /// <summary>BPF_CORE_FIELD_RSHIFT_U64.</summary>
    FieldRShiftU64 = 5,
    /// <summary>BPF_CORE_TYPE_ID_LOCAL.</summary>
    TypeIdLocal = 6,
    /// <summary>BPF_CORE_TYPE_ID_TARGET.</summary>
    TypeIdTarget = 7,
    /// <summary>BPF_CORE_TYPE_EXISTS.</summary>
    TypeExists = 8,
    /// <summary>BPF_CORE_TYPE_SIZE.</summary>
    TypeSize = 9,
    /// <summary>BPF_CORE_ENUMVAL_EXISTS.</summary>
    EnumValueExists = 10,
    /// <summary>BPF_CORE_ENUMVAL_VALUE.</summary>
    EnumValueValue = 11,
    /// <summary>BPF_CORE_TYPE_MATCHES.</summary>
    TypeMatches = 12,
}

/// <summary>A CO-RE relocation record.</summary>
/// <param name="InstructionOffset">Byte offset in the section of the instruction to patch.</param>
/// <param name="TypeId">The local root type.</param>
/// <param name="AccessStringOffset">Offset of the access string ("0:1:2") in the BTF strings.</param>
/// <param name="Kind">What to compute.</param>
public readonly record struct CoreRelocationRecord(uint InstructionOffset, BtfTypeId TypeId, uint AccessStringOffset, CoreRelocationKind Kind);

/// <summary>
/// .BTF.ext: per-section func_info, line_info and CO-RE relocation records
/// (tools/lib/bpf/libbpf_internal.h, struct btf_ext_header). Section names are BTF strings.
/// </summary>
public sealed class BtfExt
{
    /// <summary>func_info by section name.</summary>
    public Dictionary<string, List<BtfFuncInfo>> FuncInfos { get; } = [];

    /// <summary>line_info by section name.</summary>
    public Dictionary<string, List<BtfLineInfo>> LineInfos { get; } = [];

    /// <summary>CO-RE relocations by section name.</summary>
    public Dictionary<string, List<CoreRelocationRecord>> CoreRelocations { get; } = [];

    /// <summary>Parses .BTF.ext against its .BTF; the diagnostic names the file offset of a problem.</summary>
    public static bool TryParse(byte[] data, BtfSpec btf, out BtfExt? ext, out Diagnostic? diagnostic, string? file = null, long fileOffset = 0)
    {
        ext = null;
        Diagnostic Bad(string message, long at) => new(ObjectDiagnosticIds.BtfExt, message, SourceLocation.AtOffset(fileOffset + at, file));
        if (data.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(data) != BtfSpec.Magic)
        {
            diagnostic = Bad(".BTF.ext header is missing or has a bad magic", 0);
            return false;
        }
        uint hdrLen = U32(data, 4);
        if (hdrLen < 24 || hdrLen > data.Length)
        {
            diagnostic = Bad($".BTF.ext header length {hdrLen} is invalid", 4);
            return false;
        }
        var result = new BtfExt();
        var sections = new List<(uint Off, uint Len, int RecordMin, string What)>
        {
            (U32(data, 8), U32(data, 12), 8, "func_info"),
            (U32(data, 16), U32(data, 20), 16, "line_info"),
        };
        if (hdrLen >= 32)
            sections.Add((U32(data, 24), U32(data, 28), 16, "core_relo"));
        foreach (var (off, len, recordMin, what) in sections)
        {
            if (len == 0)
                continue;
            long start = hdrLen + (long)off, end = start + len;
            if (end > data.Length)
            {
                diagnostic = Bad($".BTF.ext {what} ({off}+{len}) runs past the end", 8);
                return false;
            }
            if (len < 4)
            {
                diagnostic = Bad($".BTF.ext {what} is too short for its record size", start);
                return false;
            }
            uint recordSize = U32(data, (int)start);
            if (recordSize < recordMin || recordSize > 1024 || recordSize % 4 != 0)
            {
                diagnostic = Bad($".BTF.ext {what} record size {recordSize} is invalid", start);
                return false;
            }
            long at = start + 4;
            while (at < end)
            {
                if (end - at < 8)
                {
                    diagnostic = Bad($".BTF.ext {what}: truncated section header", at);
                    return false;
                }
                uint nameOff = U32(data, (int)at), count = U32(data, (int)at + 4);
                if (nameOff >= btf.TotalStringsLength)
                {
                    diagnostic = Bad($".BTF.ext {what}: section name offset {nameOff} is outside the BTF strings", at);
                    return false;
                }
                string name = btf.GetString(nameOff);
                at += 8;
                if ((ulong)count * recordSize > (ulong)(end - at))
                {
                    diagnostic = Bad($".BTF.ext {what}: {count} records of '{name}' run past the section", at);
                    return false;
                }
                for (uint i = 0; i < count; i++, at += recordSize)
                {
                    int r = (int)at;
                    switch (what)
                    {
                        case "func_info":
                            Add(result.FuncInfos, name, new BtfFuncInfo(U32(data, r), new BtfTypeId(U32(data, r + 4))));
                            break;
                        case "line_info":
                            uint lc = U32(data, r + 12);
                            Add(result.LineInfos, name, new BtfLineInfo(U32(data, r), U32(data, r + 4), U32(data, r + 8), lc >> 10, lc & 0x3ff));
                            break;
                        default:
                            Add(result.CoreRelocations, name,
                                new CoreRelocationRecord(U32(data, r), new BtfTypeId(U32(data, r + 4)), U32(data, r + 8), (CoreRelocationKind)U32(data, r + 12)));
                            break;
                    }
                }
            }
        }
        ext = result;
        diagnostic = null;
        return true;
    }

    private static void Add<T>(Dictionary<string, List<T>> d, string key, T value)
    {
        if (!d.TryGetValue(key, out var list))
            d[key] = list = [];
        list.Add(value);
    }

    private static uint U32(byte[] d, int at) => BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at));
}
