using SharpBpf.Trace.Output;

namespace SharpBpf.Trace.Probes;

/// <summary>
/// Where a uprobe attaches, as bpftrace 0.17 decides it. Its attach point parser resolves the binary
/// (utils.cpp resolve_binary_path): the name itself, then, without a <c>/</c>, each <c>PATH</c>
/// directory joined to it; a name with a <c>*</c> is globbed (<see cref="PathGlob"/>); what remains
/// must be an ELF file that is executable or a shared object. No file is an error, one replaces the
/// name, several keep a pattern for the probe matcher and otherwise take the first with a warning.
/// The probe matcher then lists <c>PATH:FUNCTION</c> for every function symbol of every such file
/// (every file mapped by a running process, or by the -p process, for the binary <c>*</c>) and keeps
/// those matching <c>BINARY:FUNCTION</c> as a <see cref="Wildcard"/> (but compiler clones <c>.part.N</c>), sorted.
/// </summary>
public static class UprobeTargets
{
    /// <summary>A resolved binary: the name to use, or bpftrace's error; and its warning, if any.</summary>
    public readonly record struct Resolution(string Binary, string? Error, string? Warning);

    /// <summary>Resolves a uprobe's binary as bpftrace's attach point parser does.</summary>
    public static Resolution Resolve(string binary, string provider = "uprobe")
    {
        if (binary == "*")
            return new Resolution(binary, null, null);
        var paths = BinaryPaths(binary);
        if (paths.Count == 0)
            return new Resolution(binary, $"{provider} target file '{binary}' does not exist or is not executable", null);
        if (paths.Count == 1)
            return new Resolution(paths[0], null, null);
        if (Wildcard.HasWildcard(binary))
            return new Resolution(binary, null, null);
        // a PATH lookup takes the first match, as a shell would
        return new Resolution(paths[0], null, $"attaching to {provider} target file '{paths[0]}' but matched {paths.Count} binaries");
    }

    /// <summary>The candidate files for <paramref name="binary"/> that are executable ELF files or shared objects.</summary>
    public static List<string> BinaryPaths(string binary)
    {
        var candidates = new List<string> { binary };
        if (!binary.Contains('/', StringComparison.Ordinal) && Environment.GetEnvironmentVariable("PATH") is { } path)
        {
            foreach (var dir in path.Split(':'))
                candidates.Add(dir + "/" + binary);
        }
        var valid = new List<string>();
        foreach (var c in candidates)
        {
            foreach (var p in Wildcard.HasWildcard(binary) ? PathGlob.Expand(c) : [c])
            {
                if (IsExecutableOrSharedElf(p))
                    valid.Add(p);
            }
        }
        return valid;
    }

    /// <summary>
    /// The (binary, function) pairs a resolved uprobe attach point expands to, ordered by their
    /// <c>BINARY:FUNCTION</c> text; <paramref name="pid"/> narrows the binary <c>*</c> to one process.
    /// <paramref name="cached"/> keeps each file's symbols for attaching (<see cref="ElfSymbolTable.LoadCached"/>),
    /// as a script does; a listing, which may read hundreds of libraries, does not.
    /// </summary>
    public static List<(string Binary, string Function)> Match(string binary, string function, int? pid = null, bool cached = false)
    {
        IEnumerable<string> files = binary == "*" ? MappedFiles(pid)
            : Wildcard.HasWildcard(binary) ? BinaryPaths(binary)
            : [binary];
        string pattern = binary + ":" + function;
        var matches = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            ElfSymbolTable table;
            try
            {
                table = cached ? ElfSymbolTable.LoadCached(file) : ElfSymbolTable.Load(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                continue; // bpftrace lists no symbols for a file it cannot read
            }
            foreach (var name in table.FunctionNames())
            {
                string line = file + ":" + name;
                // bpftrace's get_matches_in_stream skips ".part.N" clones, "as they can't be traced"
                if (Wildcard.IsMatch(pattern, line) && !line.Contains(".part.", StringComparison.Ordinal))
                    matches.Add(line);
            }
        }
        var result = new List<(string, string)>(matches.Count);
        foreach (var m in matches)
        {
            // the binary ends at the first ':' (bpftrace's erase_prefix)
            int colon = m.IndexOf(':', StringComparison.Ordinal);
            result.Add((m[..colon], m[(colon + 1)..]));
        }
        return result;
    }

    /// <summary>bcc_elf_is_exe or bcc_elf_is_shared_obj: an ELF file with an execute bit, or of type ET_DYN.</summary>
    public static bool IsExecutableOrSharedElf(string path)
    {
        Span<byte> header = stackalloc byte[18];
        try
        {
            // what a symlink points to (libc.so.6 -> libc-2.x.so); a FIFO, socket or device has size 0
            // (and opening a FIFO would wait for a writer)
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
                info = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
            if (!info.Exists || info.Length < 64)
                return false;
            using var handle = File.OpenHandle(path);
            if (RandomAccess.Read(handle, header, 0) < header.Length || !header[..4].SequenceEqual("\u007fELF"u8))
                return false;
            // e_type (offset 16) in the file's byte order (EI_DATA: 1 little, 2 big endian)
            int type = header[5] == 2 ? header[16] << 8 | header[17] : header[17] << 8 | header[16];
            const int EtDyn = 3;
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return type == EtDyn || (!OperatingSystem.IsWindows() && (info.UnixFileMode & anyExecute) != 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // get_mapped_paths_for_pid/_for_running_pids: the files mapped executable, each once, sorted.
    private static SortedSet<string> MappedFiles(int? pid)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        IEnumerable<int> pids = pid is { } one ? [one] : RunningPids();
        foreach (var p in pids)
            files.UnionWith(UserSymbols.Load(p).Modules);
        return files;
    }

    private static IEnumerable<int> RunningPids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid))
                yield return pid;
        }
    }
}
