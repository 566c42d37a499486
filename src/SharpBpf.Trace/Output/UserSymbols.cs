using System.Globalization;
using SharpBpf.Trace.Probes;

namespace SharpBpf.Trace.Output;

/// <summary>
/// A process's symbols for usym() and ustack: its executable mappings from /proc/PID/maps and each
/// mapped file's ELF symbols. An address in a mapping becomes a file address (for shared objects and
/// PIEs: address - start + file offset; executables keep absolute addresses) looked up in that file.
/// Read the maps while the process lives (bpftrace resolves at print time, so a process that has
/// exited prints raw addresses; snapshot early with <see cref="Load"/>).
/// </summary>
public sealed class UserSymbols
{
    private readonly List<Mapping> _mappings;
    private readonly Dictionary<string, ElfSymbolTable?> _files;

    private UserSymbols(int pid, List<Mapping> mappings, Dictionary<string, ElfSymbolTable?>? files)
    {
        Pid = pid;
        _mappings = mappings;
        _files = files ?? new(StringComparer.Ordinal);
    }

    private readonly record struct Mapping(ulong Start, ulong End, ulong Offset, string Path);

    /// <summary>The process.</summary>
    public int Pid { get; }

    /// <summary>The files mapped executable, in mapping order, each once.</summary>
    public IEnumerable<string> Modules => _mappings.Select(m => m.Path).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Reads /proc/<paramref name="pid"/>/maps (no mappings when the process is gone); the files' symbol
    /// tables are read on first use into <paramref name="tables"/> (by path), which several loads may share.
    /// </summary>
    public static UserSymbols Load(int pid, Dictionary<string, ElfSymbolTable?>? tables = null)
    {
        try
        {
            return Parse(pid, File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps"), tables);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new UserSymbols(pid, [], tables);
        }
    }

    /// <summary>Parses maps lines: <c>start-end perms offset dev inode path</c>; keeps executable file mappings.</summary>
    public static UserSymbols Parse(int pid, IEnumerable<string> mapsLines, Dictionary<string, ElfSymbolTable?>? tables = null)
    {
        var list = new List<Mapping>();
        foreach (var line in mapsLines)
        {
            var f = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 6 || f[1].Length < 3 || f[1][2] != 'x')
                continue;
            var path = f[5].Trim();
            if (!path.StartsWith('/'))
                continue;
            var range = f[0].Split('-');
            list.Add(new Mapping(
                ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                path));
        }
        return new UserSymbols(pid, list, tables);
    }

    /// <summary>The symbol, offset and module (file path) of <paramref name="address"/>; module only when no symbol covers it.</summary>
    public bool TryResolve(ulong address, out string? symbol, out ulong offset, out string? module)
    {
        symbol = null;
        offset = 0;
        module = null;
        foreach (var m in _mappings)
        {
            if (address < m.Start || address >= m.End)
                continue;
            module = m.Path;
            var table = Table(m.Path);
            if (table is null)
                return false;
            ulong fileAddress = table.ObjectType == 2 ? address : address - m.Start + m.Offset;
            if (table.TryResolve(fileAddress, out var name, out offset))
            {
                symbol = name;
                return true;
            }
            return false;
        }
        return false;
    }

    /// <summary>bpftrace's resolve_usym: <c>symbol</c> (usym), <c>symbol+offset</c> (ustack frames), <c>(module)</c> in perf mode; else hex.</summary>
    public string Format(ulong address, bool showOffset, bool perfMode = false)
    {
        TryResolve(address, out var symbol, out var offset, out var module);
        return SymbolFormat.User(address, symbol, offset, showOffset, module, perfMode);
    }

    private ElfSymbolTable? Table(string path)
    {
        if (!_files.TryGetValue(path, out var table))
        {
            try
            {
                // the process's view of the file (it may live in another mount namespace)
                var procPath = $"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/root{path}";
                table = ElfSymbolTable.Load(File.Exists(procPath) ? procPath : path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                table = null;
            }
            _files[path] = table;
        }
        return table;
    }
}
