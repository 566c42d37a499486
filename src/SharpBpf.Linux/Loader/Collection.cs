using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpBpf.Core.Maps;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

/// <summary>
/// An object loaded into the kernel (cilium/ebpf's Collection, libbpf's loaded bpf_object): its
/// programs and maps by name, and the object's BTF. It owns every fd and closes them on
/// <see cref="Dispose"/>; what is pinned, attached or referenced by other programs stays in the
/// kernel. <see cref="Load(CollectionSpec, CollectionOptions?)"/> does what libbpf's
/// bpf_object__load does: loads the BTF, creates (or reuses pinned) maps with their initial
/// contents, resolves externs, applies CO-RE against the running kernel, relocates and loads the
/// programs, then fills program arrays and map-in-map slots.
/// </summary>
public sealed class Collection : IDisposable
{
    private readonly Dictionary<string, KernelProgram> _programs;
    private readonly Dictionary<string, KernelMap> _maps;
    private readonly IReadOnlyList<GlobalVariable> _variables;
    private bool _disposed;

    internal Collection(CollectionSpec spec, string name, KernelBtf? btf, Dictionary<string, KernelProgram> programs,
        Dictionary<string, KernelMap> maps, IReadOnlyList<string> log)
    {
        Spec = spec;
        Name = name;
        Btf = btf;
        _programs = programs;
        _maps = maps;
        Log = log;
        _variables = GlobalVariable.Of(spec);
    }

    /// <summary>The spec this collection was loaded from.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The object's name (the prefix of its global data maps' kernel names).</summary>
    public string Name { get; }

    /// <summary>The loaded programs, by function name (programs not loaded are absent).</summary>
    public IReadOnlyDictionary<string, KernelProgram> Programs => _programs;

    /// <summary>
    /// The maps, by their name in the spec: the variable's name for BTF and legacy maps, the section's
    /// (".data", ".rodata", ".kconfig", ...) for global data, whose kernel name is libbpf's
    /// ("prog_typ.data", see <see cref="KernelMap.Name"/>).
    /// </summary>
    public IReadOnlyDictionary<string, KernelMap> Maps => _maps;

    /// <summary>The object's BTF in the kernel, or null when the object has none (or the kernel refused it).</summary>
    public KernelBtf? Btf { get; }

    /// <summary>What the loader did and decided, one line each (what bpftool -d shows of libbpf).</summary>
    public IReadOnlyList<string> Log { get; }

    /// <summary>The global variables of the object's data maps.</summary>
    public IReadOnlyList<GlobalVariable> Variables => _variables;

    /// <summary>Loads the object file at <paramref name="path"/> (see <see cref="Load(CollectionSpec, CollectionOptions?)"/>).</summary>
    public static Collection Load(string path, CollectionOptions? options = null) => Load(CollectionLoader.Load(path), options);

    /// <summary>
    /// Loads everything <paramref name="spec"/> describes into the kernel. Failures throw
    /// <see cref="BpfException"/> (the verifier's as <see cref="BpfVerifierException"/>) with a
    /// context chain ("load program 'xdp_prog': ..."), after closing whatever was created and
    /// removing the pins this call made.
    /// </summary>
    public static Collection Load(CollectionSpec spec, CollectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new CollectionBuilder(spec, options ?? new CollectionOptions()).Build();
    }

    /// <summary>
    /// libbpf's name of a map (bpf_map__name), which its pins and bpftool go by: the variable's
    /// name for BTF and legacy maps, and for global data the kernel name libbpf makes from the
    /// object's name and the section ("prog_typ.data", "global_.kconfig", ".data.foo").
    /// <paramref name="objectName"/> defaults to libbpf's object name of <see cref="CollectionSpec.Path"/>.
    /// </summary>
    public static string MapNameOf(CollectionSpec spec, string map, string? objectName = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Maps.TryGetValue(map, out var m))
            throw new KeyNotFoundException($"no map '{map}'; maps: {string.Join(", ", spec.Maps.Keys)}");
        return m.Origin == MapOrigin.Data ? CollectionBuilder.InternalMapName(objectName ?? ObjectNameOf(spec.Path), map) : map;
    }

    /// <summary>libbpf's object name: the file name (at most 15 bytes) up to its first '.'; "" without a path.</summary>
    public static string ObjectNameOf(string? path) => CollectionBuilder.ObjectNameOf(path);

    /// <summary>The program with a name; throws naming the loaded ones when there is none.</summary>
    public KernelProgram Program(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _programs.TryGetValue(name, out var p) ? p
            : throw new KeyNotFoundException($"no program '{name}' was loaded; loaded: {string.Join(", ", _programs.Keys)}");
    }

    /// <summary>The map with a name; throws naming the maps when there is none.</summary>
    public KernelMap Map(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _maps.TryGetValue(name, out var m) ? m
            : throw new KeyNotFoundException($"no map '{name}'; maps: {string.Join(", ", _maps.Keys)}");
    }

    /// <summary>A typed view of a map (<typeparamref name="TKey"/> and <typeparamref name="TValue"/> must be its key and value sizes).</summary>
    public BpfMap<TKey, TValue> Map<TKey, TValue>(string name)
        where TKey : unmanaged
        where TValue : unmanaged => new(Map(name));

    /// <summary>Reads a global variable from its data map (exactly its size).</summary>
    public T ReadVariable<T>(string name) where T : unmanaged
    {
        var (map, variable) = VariableMap(name, Unsafe.SizeOf<T>());
        var value = new byte[map.ValueSize];
        if (!map.TryLookup(stackalloc byte[4], value))
            throw new BpfException($"read variable '{name}': map '{map.Name}' has no element 0");
        return MemoryMarshal.Read<T>(value.AsSpan((int)variable.Offset, (int)variable.Size));
    }

    /// <summary>
    /// Writes a global variable into its data map (read, change, write back). Frozen maps (.rodata
    /// once loaded) refuse with EPERM: set those with <see cref="CollectionOptions.SetVariable{T}"/>.
    /// </summary>
    public void WriteVariable<T>(string name, T value) where T : unmanaged
    {
        var (map, variable) = VariableMap(name, Unsafe.SizeOf<T>());
        var bytes = new byte[map.ValueSize];
        Span<byte> key = stackalloc byte[4];
        if (!map.TryLookup(key, bytes))
            throw new BpfException($"write variable '{name}': map '{map.Name}' has no element 0");
        MemoryMarshal.Write(bytes.AsSpan((int)variable.Offset, (int)variable.Size), in value);
        try
        {
            map.Update(key, bytes);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"write variable '{name}'");
        }
    }

    private (KernelMap Map, GlobalVariable Variable) VariableMap(string name, int size)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var variable = GlobalVariable.Find(_variables, name);
        if (variable.Size != size)
            throw new ArgumentException($"variable '{name}' is {variable.Size} bytes, not {size}", nameof(name));
        return (Map(variable.Map), variable);
    }

    /// <summary>Closes every program, map and BTF fd (programs first, then maps, then the BTF).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var p in _programs.Values)
            p.Dispose();
        foreach (var m in _maps.Values)
            m.Dispose();
        Btf?.Dispose();
    }
}
