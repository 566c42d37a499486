using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Btf;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux.Loader;

internal sealed partial class CollectionBuilder
{
    // libbpf.c, bpf_object__create_maps.

    private readonly HashSet<string> _reused = new(StringComparer.Ordinal);

    /// <summary>
    /// Every map of the spec, in the spec's order: reused from <see cref="CollectionOptions.ReplaceMaps"/>,
    /// reused from its pin, or created (then pinned when it asks to be); then the map-in-map slots.
    /// </summary>
    private void CreateMaps()
    {
        var initial = InitialVariableValues();
        foreach (var (name, spec) in _spec.Maps)
            _maps[name] = CreateMap(name, spec, initial);
        // Maps that already existed keep their inner maps: only maps created here are filled (as libbpf).
        foreach (var (name, spec) in _spec.Maps)
        {
            if (spec.Type is MapType.ArrayOfMaps or MapType.HashOfMaps && spec.InitialValues.Count > 0 && !_reused.Contains(name))
                FillSlots(name, spec, slot => _maps.TryGetValue(slot, out var inner) ? inner.Fd : null, "map");
        }
    }

    /// <summary>The values <see cref="CollectionOptions.SetVariable{T}"/> gave, as (offset, bytes) per data map.</summary>
    private Dictionary<string, List<(uint Offset, byte[] Value)>> InitialVariableValues()
    {
        var result = new Dictionary<string, List<(uint, byte[])>>(StringComparer.Ordinal);
        if (_options.Variables.Count == 0)
            return result;
        var variables = GlobalVariable.Of(_spec);
        foreach (var (name, value) in _options.Variables)
        {
            GlobalVariable v;
            try
            {
                v = GlobalVariable.Find(variables, name);
            }
            catch (BpfException e)
            {
                throw e.WithContext($"set variable '{name}'");
            }
            if (value.Length != v.Size)
                throw new BpfException($"set variable '{name}': it is {v.Size} bytes in {v.Map}, the value is {value.Length}");
            if (!result.TryGetValue(v.Map, out var list))
                result[v.Map] = list = [];
            list.Add((v.Offset, value));
            Log($"variable '{name}' ({v.Map}+{v.Offset}) set to {Convert.ToHexStringLower(value)}");
        }
        return result;
    }

    private KernelMap CreateMap(string name, MapSpec spec, Dictionary<string, List<(uint Offset, byte[] Value)>> initial)
    {
        if (_options.ReplaceMaps.TryGetValue(name, out var replacement))
        {
            var reused = KernelMap.FromFd(replacement.Fd.Duplicate());
            _reused.Add(name);
            Log($"map '{name}': reusing map id {reused.Id} given by the caller");
            return reused;
        }
        var kernelSpec = KernelSpec(name, spec, initial);
        if (spec.Pinning == PinType.ByName && _options.PinMaps)
        {
            string path = Path.Combine(_options.PinPath, name);
            for (int attempt = 0; ; attempt++)
            {
                if (ReusePinned(name, kernelSpec, path) is { } pinned)
                {
                    _reused.Add(name);
                    return pinned;
                }
                var map = Create(name, kernelSpec);
                try
                {
                    MakePinDirectory(name);
                    map.Pin(path);
                    _pinnedHere.Add(path);
                    Log($"map '{name}': pinned at {path}");
                    return map;
                }
                catch (BpfException e) when (e.Errno == Errno.EEXIST && attempt == 0)
                {
                    // Another loader pinned it between our look and our pin: reuse theirs (libbpf retries once too).
                    map.Dispose();
                }
                catch
                {
                    map.Dispose();
                    throw;
                }
            }
        }
        return Create(name, kernelSpec);
    }

    // libbpf's bpf_map__pin makes the pin's directory first (make_parent_dir).
    private void MakePinDirectory(string map)
    {
        try
        {
            System.IO.Directory.CreateDirectory(_options.PinPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfException($"map '{map}': make the pin directory {_options.PinPath}: {e.Message}", e);
        }
    }

    /// <summary>The spec as the kernel gets it: libbpf's kernel name and flags for data maps, their contents, BTF only where the kernel takes it.</summary>
    private MapSpec KernelSpec(string name, MapSpec spec, Dictionary<string, List<(uint Offset, byte[] Value)>> initial)
    {
        bool data = spec.Origin == MapOrigin.Data;
        byte[]? contents = spec.Contents;
        if (name == ".kconfig" && _kconfig is not null)
            contents = _kconfig;
        if (initial.TryGetValue(name, out var values))
        {
            contents = (byte[])(contents ?? new byte[spec.ValueSize]).Clone();
            foreach (var (offset, value) in values)
                value.CopyTo(contents, (int)offset);
        }
        uint flags = spec.Flags;
        if (data && IsMmapable(spec))
            flags |= (uint)MapFlags.Mmapable;
        // libbpf (bpf_object__create_map) creates these without BTF: the kernel has no use for it, or refuses it.
        bool noBtf = spec.Type is MapType.PerfEventArray or MapType.CgroupArray or MapType.StackTrace or MapType.ArrayOfMaps
            or MapType.HashOfMaps or MapType.Devmap or MapType.DevmapHash or MapType.Cpumap or MapType.Xskmap or MapType.Sockmap
            or MapType.Sockhash or MapType.Queue or MapType.Stack or MapType.Arena;
        return new MapSpec
        {
            Name = data ? InternalMapName(ObjectName, name) : name,
            Type = spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            Flags = flags,
            MapExtra = spec.MapExtra,
            NumaNode = spec.NumaNode,
            Pinning = spec.Pinning,
            KeyType = noBtf ? BtfTypeId.Void : spec.KeyType,
            ValueType = noBtf ? BtfTypeId.Void : spec.ValueType,
            InnerMap = spec.InnerMap,
            Origin = spec.Origin,
            SectionName = spec.SectionName,
            Contents = contents,
            ReadOnly = spec.ReadOnly,
            InitialValues = spec.InitialValues,
        };
    }

    /// <summary>libbpf's map_is_mmapable: a data map is mmap()able when its DATASEC has a non-static variable.</summary>
    private bool IsMmapable(MapSpec spec)
    {
        if (_spec.Btf is not { } btf || spec.ValueType.IsVoid)
            return false;
        var ds = btf.GetType(spec.ValueType);
        if (ds.Kind != BtfKind.Datasec)
            return false;
        for (int i = 0; i < ds.Vlen; i++)
        {
            var v = btf.GetType(ds.VarSecInfo(i).Type);
            if (v.Kind == BtfKind.Var && v.VarLinkage != BtfLinkage.Static)
                return true;
        }
        return false;
    }

    private KernelMap Create(string name, MapSpec kernelSpec)
    {
        var btf = _btf is not null && (!kernelSpec.KeyType.IsVoid || !kernelSpec.ValueType.IsVoid) ? _btf : null;
        KernelMap map;
        try
        {
            map = KernelMap.Create(kernelSpec, btf);
        }
        catch (BpfException e) when (btf is not null && e is not BpfNotSupportedException)
        {
            // libbpf retries without BTF: old kernels refuse BTF for some map types.
            Log($"map '{name}': creating with BTF failed ({e.Detail}); retrying without BTF");
            map = KernelMap.Create(kernelSpec, null);
        }
        Log($"map '{name}': created '{map.Name}' (id {map.Id}), {UapiNames.NameOf(map.Type) ?? map.Type.ToString()}, " +
            $"key {map.KeySize} value {map.ValueSize} max_entries {map.MaxEntries} flags 0x{(uint)map.Flags:x}{(kernelSpec.ReadOnly ? ", frozen" : "")}");
        return map;
    }

    /// <summary>The map pinned at <paramref name="path"/> if there is one and it matches; null when nothing is pinned there.</summary>
    private KernelMap? ReusePinned(string name, MapSpec kernelSpec, string path)
    {
        KernelMap pinned;
        try
        {
            pinned = KernelMap.OpenPinned(path);
        }
        catch (BpfException e) when (e.Errno == Errno.ENOENT)
        {
            return null;
        }
        catch (BpfException e)
        {
            throw e.WithContext($"map '{name}'");
        }
        var info = pinned.GetInfo();
        uint maxEntries = kernelSpec.Type == MapType.PerfEventArray && kernelSpec.MaxEntries == 0 ? (uint)LinuxKernel.PossibleCpus : kernelSpec.MaxEntries;
        var mismatches = new List<string>();
        void Check<T>(string what, T have, T want) where T : IEquatable<T>
        {
            if (!have.Equals(want))
                mismatches.Add($"{what} {have} (pinned) != {want}");
        }
        Check("type", UapiNames.NameOf(info.Type) ?? info.Type.ToString(), UapiNames.NameOf(kernelSpec.Type) ?? kernelSpec.Type.ToString());
        Check("key_size", (uint)info.KeySize, kernelSpec.KeySize);
        Check("value_size", (uint)info.ValueSize, kernelSpec.ValueSize);
        Check("max_entries", (uint)info.MaxEntries, maxEntries);
        Check("map_flags", "0x" + ((uint)info.Flags).ToString("x"), "0x" + kernelSpec.Flags.ToString("x"));
        Check("map_extra", info.MapExtra, kernelSpec.MapExtra);
        if (mismatches.Count > 0)
        {
            pinned.Dispose();
            throw new BpfException($"map '{name}': the map pinned at {path} does not match the object's: {string.Join(", ", mismatches)}; " +
                "remove the pin or make the definitions agree");
        }
        Log($"map '{name}': reusing the map pinned at {path} (id {info.Id})");
        return pinned;
    }

    /// <summary>Writes a PROG_ARRAY's or map-in-map's initial slots (MapSpec.InitialValues): key = slot, value = the fd.</summary>
    private void FillSlots(string name, MapSpec spec, Func<string, BpfFileDescriptor?> lookup, string what)
    {
        var map = _maps[name];
        if (map.KeySize != 4 || map.ValueSize != 4)
            throw new BpfException($"map '{name}': initial {what}s need 4-byte keys and values, the map has {map.KeySize} and {map.ValueSize}");
        Span<byte> key = stackalloc byte[4];
        Span<byte> value = stackalloc byte[4];
        foreach (var (index, target) in spec.InitialValues)
        {
            if (lookup(target) is not { } fd)
            {
                Log($"map '{name}': slot {index} left empty: {what} '{target}' was not loaded");
                continue;
            }
            BinaryPrimitives.WriteUInt32LittleEndian(key, index);
            BinaryPrimitives.WriteInt32LittleEndian(value, fd.Value);
            try
            {
                map.Update(key, value);
            }
            catch (BpfException e)
            {
                throw e.WithContext($"map '{name}': slot {index} = {what} '{target}'");
            }
            Log($"map '{name}': slot {index} = {what} '{target}'");
        }
    }

    /// <summary>After the programs are loaded: PROG_ARRAY slots (libbpf's bpf_object_init_prog_arrays).</summary>
    private void FillProgramArrays()
    {
        foreach (var (name, spec) in _spec.Maps)
        {
            // libbpf fills them in reused maps too: the slots name this load's programs.
            if (spec.Type == MapType.ProgArray && spec.InitialValues.Count > 0)
                FillSlots(name, spec, target => _programs.TryGetValue(target, out var p) ? p.Fd : null, "program");
        }
    }
}
