using System.Buffers.Binary;
using System.Text;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.ObjectFile.Elf;

/// <summary>
/// A small ELF64 little-endian reader for BPF relocatable objects: section headers with names,
/// the symbol table and REL/RELA relocations. Every offset and size is checked against the file;
/// bad input yields a diagnostic with the file offset, never an exception from the parser.
/// </summary>
public sealed class ElfFile
{
    /// <summary>EM_BPF.</summary>
    public const ushort MachineBpf = 247;

    private readonly byte[] _data;

    private ElfFile(byte[] data, string? path, ushort type, ushort machine, List<ElfSection> sections, List<ElfSymbol> symbols, int symtab)
    {
        _data = data;
        Path = path;
        ObjectType = type;
        Machine = machine;
        Sections = sections;
        Symbols = symbols;
        SymbolTableIndex = symtab;
    }

    /// <summary>The file name used in diagnostics.</summary>
    public string? Path { get; }

    /// <summary>e_type (1 = ET_REL).</summary>
    public ushort ObjectType { get; }

    /// <summary>e_machine (247 = EM_BPF).</summary>
    public ushort Machine { get; }

    /// <summary>The sections, by index.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>The symbols of .symtab, by index (0 is the null symbol).</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>Index of the symbol table section, or -1.</summary>
    public int SymbolTableIndex { get; }

    /// <summary>The whole file.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The first section with a name, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        foreach (var s in Sections)
        {
            if (s.Name == name)
                return s;
        }
        return null;
    }

    /// <summary>A section's bytes (empty for NOBITS).</summary>
    public ReadOnlySpan<byte> GetData(ElfSection section) =>
        section.Type == ElfSection.TypeNoBits ? [] : _data.AsSpan((int)section.Offset, (int)section.Size);

    /// <summary>A section's bytes as a new array.</summary>
    public byte[] GetDataCopy(ElfSection section) => GetData(section).ToArray();

    /// <summary>The relocations of a REL or RELA section, validated against the symbol table.</summary>
    public bool TryGetRelocations(ElfSection section, out List<ElfRelocation> relocations, out Diagnostic? diagnostic)
    {
        relocations = [];
        diagnostic = null;
        bool rela = section.Type == ElfSection.TypeRela;
        int entry = rela ? 24 : 16;
        var data = GetData(section);
        if (data.Length % entry != 0)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfRelocation, $"relocation section '{section.Name}' size {data.Length} is not a multiple of {entry}", (long)section.Offset);
            return false;
        }
        for (int i = 0; i < data.Length / entry; i++)
        {
            var e = data.Slice(i * entry, entry);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(e);
            ulong info = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            long addend = rela ? BinaryPrimitives.ReadInt64LittleEndian(e[16..]) : 0;
            ulong sym = info >> 32;
            if (sym >= (ulong)Symbols.Count)
            {
                diagnostic = Bad(ObjectDiagnosticIds.ElfRelocation,
                    $"relocation {i} of '{section.Name}' refers to symbol {sym}, but there are {Symbols.Count}", (long)section.Offset + i * entry);
                return false;
            }
            relocations.Add(new ElfRelocation(offset, (int)sym, (uint)info, addend));
        }
        return true;
    }

    /// <summary>Parses an ELF file; throws <see cref="BpfFormatException"/> naming the offset on bad input.</summary>
    public static ElfFile Parse(byte[] data, string? path = null) =>
        TryParse(data, path, out var elf, out var diagnostic) ? elf! : throw new BpfFormatException(diagnostic!);

    /// <summary>Parses an ELF file; on failure the diagnostic names the file offset.</summary>
    public static bool TryParse(byte[] data, string? path, out ElfFile? elf, out Diagnostic? diagnostic)
    {
        elf = null;
        Diagnostic Bad(string id, string message, long at) => new(id, message, SourceLocation.AtOffset(at, path));
        if (data.Length < 64 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfHeader, data.Length < 4 || data[0] != 0x7f ? "not an ELF file" : "ELF header is truncated", 0);
            return false;
        }
        if (data[4] != 2)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfMachine, "only 64-bit ELF (ELFCLASS64) is supported", 4);
            return false;
        }
        if (data[5] != 1)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfMachine, "only little-endian ELF is supported (big-endian BPF: -target bpfeb)", 5);
            return false;
        }
        ushort type = U16(data, 16), machine = U16(data, 18);
        ulong shoff = U64(data, 40);
        ushort shentsize = U16(data, 58);
        uint shnum = U16(data, 60);
        uint shstrndx = U16(data, 62);
        if (shoff == 0)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfHeader, "ELF file has no section header table", 40);
            return false;
        }
        if (shentsize != 64)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfHeader, $"section header entry size {shentsize} is not 64", 58);
            return false;
        }
        if (shoff > (ulong)data.Length || (ulong)data.Length - shoff < 64)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfSection, $"section header table at 0x{shoff:x} is outside the file", 40);
            return false;
        }
        // Extended numbering: counts that do not fit 16 bits live in section 0.
        if (shnum == 0)
            shnum = (uint)Math.Min(U64(data, (int)shoff + 32), uint.MaxValue);
        if (shstrndx == 0xffff)
            shstrndx = U32(data, (int)shoff + 40);
        if ((ulong)shnum * 64 > (ulong)data.Length - shoff)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfSection, $"{shnum} section headers at 0x{shoff:x} run past the end of the file", 60);
            return false;
        }
        if (shstrndx >= shnum)
        {
            diagnostic = Bad(ObjectDiagnosticIds.ElfSection, $"section name table index {shstrndx} is out of range", 62);
            return false;
        }
        var raw = new (uint Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong Align, ulong EntSize)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int h = (int)shoff + i * 64;
            raw[i] = (U32(data, h), U32(data, h + 4), U64(data, h + 8), U64(data, h + 24), U64(data, h + 32), U32(data, h + 40),
                U32(data, h + 44), U64(data, h + 48), U64(data, h + 56));
            if (raw[i].Type != ElfSection.TypeNoBits && raw[i].Type != 0 &&
                (raw[i].Offset > (ulong)data.Length || raw[i].Size > (ulong)data.Length - raw[i].Offset))
            {
                diagnostic = Bad(ObjectDiagnosticIds.ElfSection,
                    $"section {i} (offset 0x{raw[i].Offset:x}, size 0x{raw[i].Size:x}) extends past the end of the file ({data.Length} bytes)", h + 24);
                return false;
            }
            if (raw[i].Size > int.MaxValue)
            {
                diagnostic = Bad(ObjectDiagnosticIds.ElfSection, $"section {i} is too large", h + 32);
                return false;
            }
        }
        var shstr = raw[shstrndx];
        var sections = new List<ElfSection>((int)shnum);
        for (int i = 0; i < shnum; i++)
        {
            if (!TryString(data, shstr.Offset, shstr.Size, raw[i].Name, out var name))
            {
                diagnostic = Bad(ObjectDiagnosticIds.ElfSection, $"section {i} name offset {raw[i].Name} is outside the section name table", (long)shoff + i * 64);
                return false;
            }
            var r = raw[i];
            sections.Add(new ElfSection
            {
                Index = i, Name = name, Type = r.Type, Flags = r.Flags, Offset = r.Offset, Size = r.Size, Link = r.Link,
                Info = r.Info, Alignment = r.Align, EntrySize = r.EntSize,
            });
        }

        var symbols = new List<ElfSymbol>();
        int symtab = sections.FindIndex(s => s.Type == ElfSection.TypeSymTab);
        if (symtab >= 0)
        {
            var st = sections[symtab];
            if (st.Size % 24 != 0 || st.Link >= shnum || sections[(int)st.Link].Type != ElfSection.TypeStrTab)
            {
                diagnostic = Bad(ObjectDiagnosticIds.ElfSymbol, "symbol table has a bad size or string table link", (long)st.Offset);
                return false;
            }
            var strtab = sections[(int)st.Link];
            for (int i = 0; i < (int)(st.Size / 24); i++)
            {
                int e = (int)st.Offset + i * 24;
                uint nameOff = U32(data, e);
                if (!TryString(data, strtab.Offset, strtab.Size, nameOff, out var name))
                {
                    diagnostic = Bad(ObjectDiagnosticIds.ElfSymbol, $"symbol {i} name offset {nameOff} is outside the string table", e);
                    return false;
                }
                ushort shndx = U16(data, e + 6);
                symbols.Add(new ElfSymbol(i, name, data[e + 4], data[e + 5], shndx, U64(data, e + 8), U64(data, e + 16)));
            }
        }
        elf = new ElfFile(data, path, type, machine, sections, symbols, symtab);
        diagnostic = null;
        return true;
    }

    private Diagnostic Bad(string id, string message, long at) => new(id, message, SourceLocation.AtOffset(at, Path));

    private static bool TryString(byte[] data, ulong tableOffset, ulong tableSize, uint offset, out string value)
    {
        value = "";
        if (tableOffset > (ulong)data.Length || tableSize > (ulong)data.Length - tableOffset)
            return false;
        if (offset >= tableSize)
            return offset == 0;
        var s = data.AsSpan((int)tableOffset + (int)offset, (int)(tableSize - offset));
        int nul = s.IndexOf((byte)0);
        if (nul < 0)
            return false;
        value = Encoding.UTF8.GetString(s[..nul]);
        return true;
    }

    private static ushort U16(byte[] d, int at) => BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(at));
    private static uint U32(byte[] d, int at) => BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at));
    private static ulong U64(byte[] d, int at) => BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(at));
}
