using System.Buffers.Binary;
using System.Text;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// A host binary or shared library to put uprobes in (cilium/ebpf's link.Executable): its function
/// symbols and where they are in the file. A uprobe names a file offset; a symbol's offset is its
/// st_value (a virtual address) moved into the file by the PT_LOAD segment that holds it, as
/// libbpf's elf_find_func_offset computes it (.symtab first, then .dynsym; global beats weak).
/// </summary>
public sealed class Executable
{
    // include/uapi/linux/elf.h.
    private const uint SectionDynSym = 11;
    private const uint SegmentLoad = 1;
    private const int SymbolIfunc = 10; // STT_GNU_IFUNC

    private readonly ElfFile _elf;
    private readonly (ulong VirtualAddress, ulong FileOffset, ulong FileSize)[] _segments;
    private Dictionary<string, ulong>? _functions;
    private Dictionary<string, string>? _ambiguous;

    private Executable(string path, ElfFile elf)
    {
        Path = path;
        _elf = elf;
        _segments = ReadLoadSegments(elf.Bytes);
    }

    /// <summary>The file (an absolute or relative path as given, or as found on the search paths).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens an ELF file: a path with a '/' as it is, a bare name as libbpf resolves it (a library
    /// ".so" through LD_LIBRARY_PATH, /usr/lib64, /usr/lib and the multiarch directories; a
    /// program through PATH, /usr/bin, /usr/sbin).
    /// </summary>
    public static Executable Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Resolve(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfException($"open {full} for uprobes: {e.Message}", e);
        }
        if (!ElfFile.TryParse(bytes, full, out var elf, out var diagnostic))
            throw new BpfException($"open {full} for uprobes: {diagnostic}");
        return new Executable(full, elf!);
    }

    /// <summary>
    /// The file offset of function <paramref name="symbol"/> ("malloc", or "malloc@@GLIBC_2.2.5"
    /// for a versioned name in .symtab). Throws when there is no such function or two global
    /// definitions disagree.
    /// </summary>
    public ulong SymbolOffset(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        Index();
        if (_ambiguous!.TryGetValue(symbol, out var why))
            throw new BpfException($"{Path}: function '{symbol}' is ambiguous: {why}");
        if (_functions!.TryGetValue(symbol, out ulong offset))
            return offset;
        throw new BpfException($"{Path}: no function '{symbol}' in .symtab or .dynsym");
    }

    /// <summary>The names of the functions defined in the file (.symtab and .dynsym, versions stripped).</summary>
    public IReadOnlyCollection<string> FunctionNames
    {
        get
        {
            Index();
            return _functions!.Keys;
        }
    }

    /// <summary>The file offset of virtual address <paramref name="address"/>: address - p_vaddr + p_offset of the PT_LOAD segment holding it.</summary>
    public ulong AddressToOffset(ulong address)
    {
        foreach (var (vaddr, offset, size) in _segments)
        {
            if (address >= vaddr && address < vaddr + size)
                return address - vaddr + offset;
        }
        throw new BpfException($"{Path}: address 0x{address:x} is in no PT_LOAD segment");
    }

    /// <summary>Builds the name -> offset table once, from .symtab then .dynsym (libbpf's order).</summary>
    private void Index()
    {
        if (_functions is not null)
            return;
        var functions = new Dictionary<string, (ulong Offset, int Binding)>(StringComparer.Ordinal);
        var ambiguous = new Dictionary<string, string>(StringComparer.Ordinal);
        // libbpf stops at the first table with a match; a table adds only names the earlier lacked.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in SymbolTables())
        {
            var local = new Dictionary<string, (ulong Offset, int Binding)>(StringComparer.Ordinal);
            foreach (var (name, info, shndx, value) in table)
            {
                int type = info & 0xf, binding = info >> 4;
                if ((type != ElfSymbol.TypeFunc && type != SymbolIfunc) || shndx == 0 || value == 0)
                    continue;
                ulong offset;
                try
                {
                    offset = SymbolFileOffset(value, shndx);
                }
                catch (BpfException)
                {
                    continue;
                }
                foreach (var key in Keys(name))
                {
                    if (seen.Contains(key))
                        continue;
                    if (!local.TryGetValue(key, out var previous))
                    {
                        local[key] = (offset, binding);
                        continue;
                    }
                    // libbpf: two non-weak definitions must agree; a global wins over a weak one.
                    bool prevWeak = previous.Binding == ElfSymbol.BindWeak, curWeak = binding == ElfSymbol.BindWeak;
                    if (!prevWeak && !curWeak && previous.Offset != offset)
                        ambiguous[key] = $"defined at offsets 0x{previous.Offset:x} and 0x{offset:x}";
                    else if (prevWeak && !curWeak)
                        local[key] = (offset, binding);
                }
            }
            foreach (var (key, value) in local)
            {
                functions[key] = value;
                seen.Add(key);
            }
        }
        _functions = functions.ToDictionary(p => p.Key, p => p.Value.Offset, StringComparer.Ordinal);
        _ambiguous = ambiguous;
    }

    // A versioned .symtab name ("malloc@@GLIBC_2.2.5") answers to itself and to its bare name.
    private static IEnumerable<string> Keys(string name)
    {
        yield return name;
        int at = name.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
            yield return name[..at];
    }

    private ulong SymbolFileOffset(ulong value, ushort shndx)
    {
        foreach (var (vaddr, offset, size) in _segments)
        {
            if (value >= vaddr && value < vaddr + size)
                return value - vaddr + offset;
        }
        // No program headers (a relocatable object): the section's address and offset, as newer libbpf.
        if (shndx < _elf.Sections.Count)
        {
            var section = _elf.Sections[shndx];
            ulong address = SectionAddress(shndx);
            if (value >= address && value - address < section.Size)
                return value - address + section.Offset;
        }
        throw new BpfException($"{Path}: symbol value 0x{value:x} is in no PT_LOAD segment");
    }

    private ulong SectionAddress(int index)
    {
        var data = _elf.Bytes;
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(data[40..]);
        return BinaryPrimitives.ReadUInt64LittleEndian(data[(int)(shoff + (ulong)index * 64 + 16)..]);
    }

    /// <summary>.symtab, then .dynsym, as (name, st_info, st_shndx, st_value).</summary>
    private IEnumerable<List<(string Name, byte Info, ushort Shndx, ulong Value)>> SymbolTables()
    {
        if (_elf.SymbolTableIndex >= 0)
            yield return [.. _elf.Symbols.Select(s => (s.Name, s.Info, s.SectionIndex, s.Value))];
        foreach (var section in _elf.Sections)
        {
            if (section.Type == SectionDynSym)
                yield return ReadDynamicSymbols(section);
        }
    }

    // ElfFile reads .symtab; .dynsym has the same 24-byte Elf64_Sym records, names in its sh_link table.
    private List<(string, byte, ushort, ulong)> ReadDynamicSymbols(ElfSection dynsym)
    {
        var symbols = new List<(string, byte, ushort, ulong)>();
        if (dynsym.Link >= _elf.Sections.Count)
            return symbols;
        var strings = _elf.GetData(_elf.Sections[(int)dynsym.Link]);
        var table = _elf.GetData(dynsym);
        for (int at = 24; at + 24 <= table.Length; at += 24)
        {
            var e = table.Slice(at, 24);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(e);
            if (nameOffset >= strings.Length)
                continue;
            var rest = strings[(int)nameOffset..];
            int nul = rest.IndexOf((byte)0);
            if (nul < 0)
                continue;
            symbols.Add((Encoding.UTF8.GetString(rest[..nul]), e[4], BinaryPrimitives.ReadUInt16LittleEndian(e[6..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[8..])));
        }
        return symbols;
    }

    // Elf64_Ehdr: e_phoff at 32, e_phentsize at 54, e_phnum at 56; Elf64_Phdr: p_type, p_flags,
    // p_offset, p_vaddr, p_paddr, p_filesz, ... (include/uapi/linux/elf.h).
    private static (ulong, ulong, ulong)[] ReadLoadSegments(ReadOnlySpan<byte> data)
    {
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(data[32..]);
        int entry = BinaryPrimitives.ReadUInt16LittleEndian(data[54..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data[56..]);
        var segments = new List<(ulong, ulong, ulong)>();
        if (phoff == 0 || entry < 56)
            return [];
        for (int i = 0; i < count; i++)
        {
            ulong at = phoff + (ulong)(i * entry);
            if (at + 56 > (ulong)data.Length)
                break;
            var h = data[(int)at..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != SegmentLoad)
                continue;
            segments.Add((BinaryPrimitives.ReadUInt64LittleEndian(h[16..]), BinaryPrimitives.ReadUInt64LittleEndian(h[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..])));
        }
        return [.. segments];
    }

    // libbpf's resolve_full_path.
    private static string Resolve(string file)
    {
        if (file.Contains('/', StringComparison.Ordinal))
            return file;
        bool library = file.EndsWith(".so", StringComparison.Ordinal) || file.Contains(".so.", StringComparison.Ordinal);
        var searchPaths = library
            ? new[] { Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"), "/usr/lib64:/usr/lib", MultiarchLibraryPaths }
            : [Environment.GetEnvironmentVariable("PATH"), "/usr/bin:/usr/sbin"];
        foreach (var list in searchPaths)
        {
            if (string.IsNullOrEmpty(list))
                continue;
            foreach (var dir in list.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = System.IO.Path.Combine(dir, file);
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        throw new BpfException($"{file}: not found on the {(library ? "library" : "program")} search path");
    }

    // libbpf's arch_specific_lib_paths (Debian multiarch).
    private static string MultiarchLibraryPaths => System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu",
        System.Runtime.InteropServices.Architecture.Arm64 => "/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu",
        _ => "",
    };
}
