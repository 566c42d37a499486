using System.Buffers.Binary;
using System.Text;
using SharpBpf.ObjectFile.Elf;

namespace SharpBpf.Trace.Probes;

/// <summary>
/// The defined symbols of a user-space ELF binary or library from both <c>.symtab</c> and
/// <c>.dynsym</c> (stripped binaries keep only the latter), for uprobe targets, <c>-l uprobe:BIN:*</c>
/// and usym/ustack symbolization (an address resolves to the symbol whose [value, value + size) holds it).
/// </summary>
public sealed class ElfSymbolTable
{
    private const uint SectionDynSym = 11;
    private const int TypeFunc = 2;
    private const int TypeGnuIfunc = 10;
    private const uint NoteGnuBuildId = 3;
    private const string DebugRoot = "/usr/lib/debug";

    private readonly Symbol[] _byAddress;

    private ElfSymbolTable(string path, ushort objectType, List<Symbol> symbols)
    {
        Path = path;
        ObjectType = objectType;
        Symbols = symbols;
        _byAddress = [.. symbols.Where(s => s.Size > 0).OrderBy(s => s.Address).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>A defined symbol: name, address (st_value), size, and whether it is code.</summary>
    public readonly record struct Symbol(string Name, ulong Address, ulong Size, bool IsFunction);

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>e_type: 2 executable (absolute addresses), 3 shared object or PIE (load-relative).</summary>
    public ushort ObjectType { get; }

    /// <summary>Defined symbols of both tables (a name may appear twice).</summary>
    public IReadOnlyList<Symbol> Symbols { get; }

    /// <summary>
    /// Reads <paramref name="path"/> and, as bcc does for bpftrace (use_debug_file), the symbols of its
    /// separate debug file, found by its GNU build id under /usr/lib/debug/.build-id (what Debian's -dbg
    /// and -dbgsym packages install: a stripped libc then lists its local functions too). Throws
    /// <see cref="InvalidDataException"/> when <paramref name="path"/> is not a 64-bit little-endian ELF file.
    /// </summary>
    public static ElfSymbolTable Load(string path)
    {
        var elf = Parse(path);
        var symbols = new List<Symbol>();
        AddSymbols(elf, symbols);
        if (DebugFile(elf) is { } debug)
        {
            try
            {
                AddSymbols(Parse(debug), symbols);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // bcc goes on with the binary's own symbols
            }
        }
        return new ElfSymbolTable(path, elf.ObjectType, symbols);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime Written, long Length, ElfSymbolTable Table)> s_loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="Load"/>, read once per process while the file stays the same (its time and length): probe
    /// expansion and attaching both look a uprobe's function up.
    /// </summary>
    public static ElfSymbolTable LoadCached(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"{path}: no such file", path);
        if (s_loaded.TryGetValue(path, out var known) && known.Written == info.LastWriteTimeUtc && known.Length == info.Length)
            return known.Table;
        var table = Load(path);
        s_loaded[path] = (info.LastWriteTimeUtc, info.Length, table);
        return table;
    }

    private static ElfFile Parse(string path)
    {
        var data = File.ReadAllBytes(path);
        if (!ElfFile.TryParse(data, path, out var elf, out var diagnostic))
            throw new InvalidDataException($"{path}: {diagnostic}");
        return elf!;
    }

    private static void AddSymbols(ElfFile elf, List<Symbol> symbols)
    {
        foreach (var s in elf.Sections)
        {
            if (s.Type != ElfSection.TypeSymTab && s.Type != SectionDynSym)
                continue;
            if (s.Link >= elf.Sections.Count)
                continue;
            var strtab = elf.GetData(elf.Sections[(int)s.Link]);
            var table = elf.GetData(s);
            for (int off = 24; off + 24 <= table.Length; off += 24) // entry 0 is the null symbol
            {
                uint nameOff = BinaryPrimitives.ReadUInt32LittleEndian(table[off..]);
                byte info = table[off + 4];
                ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(table[(off + 6)..]);
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(table[(off + 8)..]);
                ulong size = BinaryPrimitives.ReadUInt64LittleEndian(table[(off + 16)..]);
                if (shndx == 0 || nameOff >= strtab.Length)
                    continue;
                int type = info & 0xf;
                var rest = strtab[(int)nameOff..];
                int nul = rest.IndexOf((byte)0);
                var name = Encoding.UTF8.GetString(nul < 0 ? rest : rest[..nul]);
                if (name.Length == 0)
                    continue;
                symbols.Add(new Symbol(name, value, size, type is TypeFunc or TypeGnuIfunc));
            }
        }
    }

    // bcc's find_debug_via_buildid: the NT_GNU_BUILD_ID note's bytes in hex, "ab/cdef....debug".
    private static string? DebugFile(ElfFile elf)
    {
        if (elf.FindSection(".note.gnu.build-id") is not { } note)
            return null;
        var data = elf.GetData(note);
        if (data.Length < 16)
            return null;
        uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        int desc = 12 + (int)((nameSize + 3) & ~3u);
        if (type != NoteGnuBuildId || descSize < 2 || (ulong)desc + descSize > (ulong)data.Length)
            return null;
        string id = Convert.ToHexStringLower(data.Slice(desc, (int)descSize));
        string path = $"{DebugRoot}/.build-id/{id[..2]}/{id[2..]}.debug";
        return File.Exists(path) ? path : null;
    }

    /// <summary>The distinct names of the functions (STT_FUNC, STT_GNU_IFUNC), ordinal order: what <c>-l uprobe:BIN:*</c> lists.</summary>
    public IEnumerable<string> FunctionNames() =>
        Symbols.Where(s => s.IsFunction).Select(s => s.Name).Distinct().Order(StringComparer.Ordinal);

    /// <summary>The address of function <paramref name="name"/> (a uprobe target), or null.</summary>
    public ulong? AddressOf(string name)
    {
        foreach (var s in Symbols)
        {
            if (s.IsFunction && s.Name == name)
                return s.Address;
        }
        return null;
    }

    /// <summary>The symbol covering <paramref name="address"/> (file-relative: subtract the load bias first for PIE and libraries) and the offset into it.</summary>
    public bool TryResolve(ulong address, out string name, out ulong offset)
    {
        int lo = 0, hi = _byAddress.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_byAddress[mid].Address <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
                hi = mid - 1;
        }
        // several symbols may start at or below the address; take the nearest one that covers it
        for (int i = found; i >= 0 && i > found - 16; i--)
        {
            var s = _byAddress[i];
            if (address >= s.Address && address - s.Address < s.Size)
            {
                name = s.Name;
                offset = address - s.Address;
                return true;
            }
        }
        name = "";
        offset = 0;
        return false;
    }
}
