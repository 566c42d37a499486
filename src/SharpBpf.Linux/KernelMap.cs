using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Linux.Native;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Linux;

/// <summary>
/// A map in the kernel (cilium/ebpf's Map): created from a <see cref="MapSpec"/> or opened by id,
/// pinned path or fd; closed on Dispose (the kernel frees it when nothing else holds it). Elements
/// are read and written as bytes through <see cref="IBpfMap"/>, or typed with
/// <see cref="BpfMap{TKey, TValue}"/>. Per-CPU values are round_up(value_size, 8) bytes per
/// possible CPU.
/// </summary>
public sealed unsafe partial class KernelMap : IBpfMap, IDisposable
{
    private uint _id;

    private KernelMap(BpfFileDescriptor fd, string name, MapType type, int keySize, int valueSize, int maxEntries, MapFlags flags, uint id)
    {
        Fd = fd;
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        _id = id;
        IsPerCpu = BpfMapLayout.IsPerCpu(type);
        PossibleCpus = IsPerCpu ? LinuxKernel.PossibleCpus : 1;
        ValueBufferSize = BpfMapLayout.ValueBufferSize(type, valueSize, PossibleCpus);
    }

    /// <summary>The map's file descriptor.</summary>
    public BpfFileDescriptor Fd { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public MapType Type { get; }

    /// <inheritdoc/>
    public int KeySize { get; }

    /// <inheritdoc/>
    public int ValueSize { get; }

    /// <inheritdoc/>
    public int MaxEntries { get; }

    /// <summary>map_flags.</summary>
    public MapFlags Flags { get; }

    /// <inheritdoc/>
    public bool IsPerCpu { get; }

    /// <inheritdoc/>
    public int PossibleCpus { get; }

    /// <inheritdoc/>
    public int ValueBufferSize { get; }

    /// <summary>The map's id in the kernel.</summary>
    public uint Id => _id != 0 ? _id : _id = GetInfo().Id;

    /// <summary>Where this map is pinned, if <see cref="Pin"/> or <see cref="OpenPinned"/> said.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>
    /// Creates a map (BPF_MAP_CREATE) as <paramref name="spec"/> says: its name sanitized as libbpf
    /// does, its inner map for a map-of-maps, BTF key and value types when <paramref name="btf"/> is
    /// the object's loaded BTF, max_entries of a perf event array defaulted to the possible CPUs;
    /// then its <see cref="MapSpec.Contents"/> written and, for <see cref="MapSpec.ReadOnly"/>
    /// data, frozen.
    /// </summary>
    public static KernelMap Create(MapSpec spec, KernelBtf? btf = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return CreateCore(spec, btf);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"create map '{spec.Name}'");
        }
    }

    private static KernelMap CreateCore(MapSpec spec, KernelBtf? btf)
    {
        uint maxEntries = spec.MaxEntries;
        // libbpf (bpf_object__create_map): a perf event array without max_entries gets one slot per possible CPU.
        if (spec.Type == MapType.PerfEventArray && maxEntries == 0)
            maxEntries = (uint)LinuxKernel.PossibleCpus;

        KernelMap? inner = spec.InnerMap is { } innerSpec ? Create(innerSpec, btf) : null;
        try
        {
            var attr = new MapCreateAttr
            {
                MapType = (uint)spec.Type,
                KeySize = spec.KeySize,
                ValueSize = spec.ValueSize,
                MaxEntries = maxEntries,
                MapFlags = spec.Flags,
                NumaNode = spec.NumaNode,
                MapExtra = spec.MapExtra,
            };
            string name = ObjectName.Sanitize(spec.Name);
            ObjectName.Write(attr.MapName, name);

            using var innerLease = inner is null ? default : inner.Fd.Acquire();
            if (inner is not null)
                attr.InnerMapFd = innerLease.Fd;
            using var btfLease = btf is not null && (!spec.KeyType.IsVoid || !spec.ValueType.IsVoid) ? btf.Fd.Acquire() : default;
            if (btf is not null && (!spec.KeyType.IsVoid || !spec.ValueType.IsVoid))
            {
                attr.BtfFd = btfLease.Fd;
                attr.BtfKeyTypeId = spec.KeyType.Value;
                attr.BtfValueTypeId = spec.ValueType.Value;
            }

            BpfFileDescriptor fd;
            try
            {
                fd = Sys.BpfFd(BpfCommand.MapCreate, ref attr);
            }
            catch (BpfException e) when (e.Errno == Errno.EINVAL && FeatureVersions.Of(spec.Type) is { } minimum && LinuxKernel.Version < minimum)
            {
                throw new BpfNotSupportedException($"map type {UapiNames.NameOf(spec.Type) ?? spec.Type.ToString()}", minimum, BpfCommand.MapCreate, e.Errno);
            }

            var map = new KernelMap(fd, name, spec.Type, (int)spec.KeySize, (int)spec.ValueSize, (int)maxEntries, (MapFlags)spec.Flags, 0);
            try
            {
                map.Populate(spec);
                return map;
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        finally
        {
            inner?.Dispose();
        }
    }

    // cilium/ebpf's Map.finalize: initial contents of a data section, then freeze read-only data.
    private void Populate(MapSpec spec)
    {
        if (spec.Contents is { } contents && Type == MapType.Array && MaxEntries >= 1)
        {
            if (contents.Length > ValueSize)
                throw new BpfException($"contents of map '{Name}' are {contents.Length} bytes, more than its {ValueSize}-byte value");
            var value = new byte[ValueSize];
            contents.CopyTo(value, 0);
            Update(stackalloc byte[4], value);
        }
        if (spec.ReadOnly)
            Freeze();
    }

    /// <summary>
    /// Wraps an open map fd (taking ownership), reading its type and sizes from the kernel.
    /// </summary>
    public static KernelMap FromFd(BpfFileDescriptor fd)
    {
        ArgumentNullException.ThrowIfNull(fd);
        var info = default(BpfMapInfo);
        Sys.ObjGetInfo(fd, ref info);
        string name = Sys.CString(new ReadOnlySpan<byte>(info.Name, ObjectName.Length));
        return new KernelMap(fd, name, (MapType)info.Type, (int)info.KeySize, (int)info.ValueSize, (int)info.MaxEntries, (MapFlags)info.MapFlags, info.Id);
    }

    /// <summary>Opens the map with an id (BPF_MAP_GET_FD_BY_ID); <paramref name="access"/> may be <see cref="MapFlags.Rdonly"/> or <see cref="MapFlags.Wronly"/>.</summary>
    public static KernelMap FromId(uint id, MapFlags access = MapFlags.None)
    {
        try
        {
            return FromFd(Sys.GetFdById(BpfCommand.MapGetFdById, id, (uint)access));
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open map id {id}");
        }
    }

    /// <summary>Opens the map pinned at <paramref name="path"/> (BPF_OBJ_GET); <paramref name="access"/> may be <see cref="MapFlags.Rdonly"/> or <see cref="MapFlags.Wronly"/>.</summary>
    public static KernelMap OpenPinned(string path, MapFlags access = MapFlags.None)
    {
        try
        {
            var map = FromFd(Sys.ObjGet(path, (uint)access));
            map.PinnedPath = path;
            return map;
        }
        catch (BpfException e)
        {
            throw e.WithContext($"open pinned map {path}");
        }
    }

    /// <summary>The kernel's view of the map (BPF_OBJ_GET_INFO_BY_FD).</summary>
    public MapInfo GetInfo()
    {
        var info = default(BpfMapInfo);
        try
        {
            Sys.ObjGetInfo(Fd, ref info);
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
        return new MapInfo(info);
    }

    /// <summary>Pins the map at <paramref name="path"/>, which must be on a bpffs (BPF_OBJ_PIN).</summary>
    public void Pin(string path)
    {
        try
        {
            Sys.ObjPin(Fd, path);
        }
        catch (BpfException e)
        {
            throw e.WithContext($"pin {Context} at {path}");
        }
        PinnedPath = path;
    }

    /// <summary>Removes the pin made by <see cref="Pin"/> (or found by <see cref="OpenPinned"/>); nothing when not pinned.</summary>
    public void Unpin()
    {
        if (PinnedPath is null)
            return;
        File.Delete(PinnedPath);
        PinnedPath = null;
    }

    /// <summary>Makes the map read-only for userspace from now on (BPF_MAP_FREEZE); programs may still write unless created with BPF_F_RDONLY_PROG.</summary>
    public void Freeze()
    {
        using var fd = Fd.Acquire();
        var attr = new MapElemAttr { MapFd = fd.Fd };
        try
        {
            Sys.Bpf(BpfCommand.MapFreeze, ref attr);
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
    }

    /// <inheritdoc/>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => LookupCore(BpfCommand.MapLookupElem, key, value);

    /// <inheritdoc/>
    public bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value) => LookupCore(BpfCommand.MapLookupAndDeleteElem, key, value);

    private bool LookupCore(BpfCommand command, ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        CheckValue(value, lookup: true);
        using var fd = Fd.Acquire();
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = fd.Fd, Key = Sys.Pointer(k), Value = Sys.Pointer(v) };
            try
            {
                return Sys.Bpf(command, ref attr, Errno.ENOENT) >= 0;
            }
            catch (BpfException e)
            {
                throw e.WithContext(Context);
            }
        }
    }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        CheckKey(key);
        CheckValue(value, lookup: false);
        using var fd = Fd.Acquire();
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var attr = new MapElemAttr { MapFd = fd.Fd, Key = Sys.Pointer(k), Value = Sys.Pointer(v), Flags = (ulong)flags };
            try
            {
                Sys.Bpf(BpfCommand.MapUpdateElem, ref attr);
            }
            catch (BpfException e)
            {
                throw e.WithContext(Context);
            }
        }
    }

    /// <inheritdoc/>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        using var fd = Fd.Acquire();
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = fd.Fd, Key = Sys.Pointer(k) };
            try
            {
                return Sys.Bpf(BpfCommand.MapDeleteElem, ref attr, Errno.ENOENT) >= 0;
            }
            catch (BpfException e)
            {
                throw e.WithContext(Context);
            }
        }
    }

    /// <inheritdoc/>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
            CheckKey(key);
        if (nextKey.Length != KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, the buffer is {nextKey.Length} bytes", nameof(nextKey));
        using var fd = Fd.Acquire();
        fixed (byte* k = key)
        fixed (byte* n = nextKey)
        {
            // A NULL key asks for the first key (kernel/bpf/syscall.c, map_get_next_key).
            var attr = new MapElemAttr { MapFd = fd.Fd, Key = Sys.Pointer(k), NextKey = Sys.Pointer(n) };
            try
            {
                return Sys.Bpf(BpfCommand.MapGetNextKey, ref attr, Errno.ENOENT) >= 0;
            }
            catch (BpfException e)
            {
                throw e.WithContext(Context);
            }
        }
    }

    /// <summary>Closes the map's fd (the pin, if any, stays).</summary>
    public void Dispose() => Fd.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{UapiNames.NameOf(Type) ?? Type.ToString()} map '{Name}'";

    private string Context => $"map '{Name}'";

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, not {key.Length}", nameof(key));
    }

    private void CheckValue(ReadOnlySpan<byte> value, bool lookup)
    {
        int length = value.Length;
        if (lookup ? length < ValueBufferSize : length != ValueBufferSize)
            throw new ArgumentException(IsPerCpu
                ? $"per-CPU map '{Name}' needs a {ValueBufferSize}-byte value buffer ({PossibleCpus} CPUs x {BpfMapLayout.PerCpuStride(ValueSize)} bytes), not {length}"
                : $"map '{Name}' has {ValueSize}-byte values, not {length}", nameof(value));
    }
}
