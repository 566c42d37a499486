using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// One load of a <see cref="CollectionSpec"/>, in libbpf's order (bpf_object__load): externs,
/// BTF, maps, programs, then program-array slots. Everything created is tracked so a failure
/// closes it and removes the pins this load made; success hands it all to a <see cref="Collection"/>.
/// </summary>
internal sealed partial class CollectionBuilder
{
    private readonly CollectionSpec _spec;
    private readonly CollectionOptions _options;
    private readonly List<string> _log = [];
    private readonly Dictionary<string, KernelMap> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KernelProgram> _programs = new(StringComparer.Ordinal);
    private readonly List<string> _pinnedHere = [];
    private KernelBtf? _btf;

    public CollectionBuilder(CollectionSpec spec, CollectionOptions options)
    {
        _spec = spec;
        _options = options;
        ObjectName = options.ObjectName ?? ObjectNameOf(spec.Path);
    }

    /// <summary>The object's name: libbpf's, the file name (at most 15 bytes) up to its first '.'.</summary>
    public string ObjectName { get; }

    public Collection Build()
    {
        try
        {
            var programs = SelectPrograms();
            ResolveExterns(programs);
            LoadBtf();
            CreateMaps();
            LoadPrograms(programs);
            FillProgramArrays();
            return new Collection(_spec, ObjectName, _btf, _programs, _maps, _log);
        }
        catch
        {
            Cleanup();
            throw;
        }
        finally
        {
            CloseModuleBtfs();
        }
    }

    private void Log(string line) => _log.Add(line);

    // On failure: programs, then maps (removing the pins made here), then the BTF.
    private void Cleanup()
    {
        foreach (var p in _programs.Values)
            p.Dispose();
        foreach (var path in _pinnedHere)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the original error matters more.
            }
        }
        foreach (var m in _maps.Values)
            m.Dispose();
        _btf?.Dispose();
    }

    internal static string ObjectNameOf(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return "";
        string name = Path.GetFileName(path);
        if (name.Length > ObjectNameLength - 1)
            name = name[..(ObjectNameLength - 1)];
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    // BPF_OBJ_NAME_LEN.
    private const int ObjectNameLength = 16;

    /// <summary>
    /// libbpf's kernel name of a global data map (internal_map_name): up to 8 characters of the
    /// object's name, then the section name with at least 7 characters reserved for it
    /// ("prog_typ.data", "global_.kconfig"); custom sections (".data.foo", ".rodata.str1.1") keep
    /// their own name alone, cut to 15 characters.
    /// </summary>
    public static string InternalMapName(string objectName, string section)
    {
        int suffix = Math.Min(Math.Max(7, section.Length), ObjectNameLength - 1);
        int prefix = section.IndexOf('.', 1) >= 0 ? 0 : Math.Min(ObjectNameLength - suffix - 1, objectName.Length);
        var chars = (objectName[..prefix] + section[..Math.Min(suffix, section.Length)]).ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_' && chars[i] != '.')
                chars[i] = '_';
        }
        return new string(chars);
    }
}
