using SharpBpf.Core;
using SharpBpf.Core.Maps;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// A map of the userspace runtime, with the kernel's semantics (update flags and their errors,
/// max_entries, iteration order rules) behind the same <see cref="IBpfMap"/> interface as the
/// kernel's maps. Values that programs address (array, hash, LPM trie values; ring buffer
/// records) live in one preallocated array, <see cref="Values"/>, which a run maps as one
/// region: <c>bpf_map_lookup_elem</c> returns a program address inside it, as the kernel's
/// preallocated maps hand out pointers into their element memory. Host operations take the
/// map's lock; programs read and write values in place without it, as in the kernel.
/// </summary>
public abstract class UserMap : IBpfMap
{
    /// <summary>BPF_F_RDONLY_PROG: programs may read but not write the values.</summary>
    public const uint ReadOnlyProgramFlag = 0x80;

    /// <summary>The lock host operations (and helpers that change the map's structure) take.</summary>
    protected readonly Lock Sync = new();

    private protected UserMap(string name, MapType type, int keySize, int valueSize, int maxEntries, uint flags, int possibleCpus)
    {
        if (keySize < 0 || valueSize < 0 || maxEntries < 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': negative sizes");
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        IsPerCpu = BpfMapLayout.IsPerCpu(type);
        if (IsPerCpu && possibleCpus < 1)
            throw new ArgumentOutOfRangeException(nameof(possibleCpus), "a per-CPU map needs at least one CPU");
        PossibleCpus = IsPerCpu ? possibleCpus : 1;
        ValueBufferSize = BpfMapLayout.ValueBufferSize(type, valueSize, PossibleCpus);
        Stride = BpfMapLayout.PerCpuStride(valueSize);
    }

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
    public uint Flags { get; }

    /// <inheritdoc/>
    public bool IsPerCpu { get; }

    /// <inheritdoc/>
    public int PossibleCpus { get; }

    /// <inheritdoc/>
    public int ValueBufferSize { get; }

    /// <summary>Frozen (BPF_MAP_FREEZE): the host may no longer write it; programs still may unless <see cref="ReadOnlyForPrograms"/>.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>Whether programs may only read the values (BPF_F_RDONLY_PROG, or read-only global data).</summary>
    public bool ReadOnlyForPrograms { get; init; }

    /// <summary>The number of elements present (for arrays, max_entries).</summary>
    public abstract int Count { get; }

    /// <summary>One value's distance from the next CPU's (value size rounded up to 8, as the kernel stores them).</summary>
    private protected int Stride { get; }

    /// <summary>The memory programs see; null when programs cannot address this map's values.</summary>
    internal byte[]? Values { get; private protected set; }

    /// <summary>The region kind <see cref="Values"/> is mapped as.</summary>
    internal virtual MemoryRegionKind RegionKind => MemoryRegionKind.MapValue;

    /// <summary>Freezes the map (BPF_MAP_FREEZE): later host writes fail with EPERM.</summary>
    public void Freeze() => IsFrozen = true;

    // ---- host side (IBpfMap): errors thrown, "absent" as false ----

    /// <inheritdoc/>
    public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        CheckValueBuffer(value.Length);
        int e;
        lock (Sync)
            e = LookupCore(key, value[..ValueBufferSize]);
        return e == 0 || (e == -MapErrno.ENOENT ? false : throw Error(e, "lookup in"));
    }

    /// <inheritdoc/>
    public bool TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        CheckValueBuffer(value.Length);
        int e;
        lock (Sync)
            e = IsFrozen ? -MapErrno.EPERM : LookupAndDeleteCore(key, value[..ValueBufferSize]);
        return e == 0 || (e == -MapErrno.ENOENT ? false : throw Error(e, "lookup and delete in"));
    }

    /// <inheritdoc/>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        CheckKey(key);
        if (value.Length != ValueBufferSize)
            throw new ArgumentException($"map '{Name}' takes {ValueBufferSize}-byte values, not {value.Length}", nameof(value));
        int e;
        lock (Sync)
            e = IsFrozen ? -MapErrno.EPERM : UpdateCore(key, value, (ulong)flags, -1);
        if (e != 0)
            throw Error(e, "update of");
    }

    /// <inheritdoc/>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        int e;
        lock (Sync)
            e = IsFrozen ? -MapErrno.EPERM : DeleteCore(key);
        return e == 0 || (e == -MapErrno.ENOENT ? false : throw Error(e, "delete in"));
    }

    /// <inheritdoc/>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty)
            CheckKey(key);
        if (nextKey.Length < KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys; the buffer holds {nextKey.Length}", nameof(nextKey));
        int e;
        lock (Sync)
            e = NextKeyCore(key, nextKey[..KeySize]);
        return e == 0 || (e == -MapErrno.ENOENT ? false : throw Error(e, "next key of"));
    }

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, not {key.Length}", nameof(key));
    }

    private void CheckValueBuffer(int length)
    {
        if (length < ValueBufferSize)
            throw new ArgumentException($"map '{Name}' needs a {ValueBufferSize}-byte value buffer, not {length}", nameof(length));
    }

    private BpfMapException Error(int e, string what) => new(-e, $"{what} map '{Name}' ({UapiNames.NameOf(Type) ?? Type.ToString()})");

    // ---- the cores: 0 or -errno; called under Sync for host operations ----

    /// <summary>Copies a value in the host layout (all CPUs for per-CPU maps).</summary>
    private protected abstract int LookupCore(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Creates or replaces; <paramref name="cpu"/> is -1 for a host write (all CPUs) or the CPU a program runs on.</summary>
    private protected abstract int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu);

    private protected abstract int DeleteCore(ReadOnlySpan<byte> key);

    private protected abstract int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey);

    private protected virtual int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => -MapErrno.ENOTSUPP;

    // ---- program side (helpers): 0 or -errno, never throwing for a program's mistakes ----

    /// <summary>bpf_map_lookup_elem: the offset in <see cref="Values"/> of the value (the CPU's, for per-CPU maps), or -1.</summary>
    internal virtual int ProgramLookup(ReadOnlySpan<byte> key, int cpu) => -1;

    /// <summary>bpf_map_update_elem.</summary>
    internal virtual int ProgramUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        lock (Sync)
            return UpdateCore(key, value, flags, cpu);
    }

    /// <summary>bpf_map_delete_elem.</summary>
    internal virtual int ProgramDelete(ReadOnlySpan<byte> key)
    {
        lock (Sync)
            return DeleteCore(key);
    }

    /// <summary>bpf_map_push_elem.</summary>
    internal virtual int ProgramPush(ReadOnlySpan<byte> value, ulong flags) => -MapErrno.EINVAL;

    /// <summary>bpf_map_pop_elem / bpf_map_peek_elem.</summary>
    internal virtual int ProgramPop(Span<byte> value, bool delete) => -MapErrno.EINVAL;

    /// <summary>Checks update flags as the kernel's hash and array maps do: BPF_ANY, BPF_NOEXIST or BPF_EXIST only (BPF_F_LOCK needs a bpf_spin_lock in the value, which these maps never have).</summary>
    private protected static bool ValidUpdateFlags(ulong flags) => flags <= (ulong)MapUpdateFlags.Exist;

    /// <summary>Writes a value given in the host layout (or one CPU's, from a program) into an element's storage.</summary>
    private protected void WriteValue(int elementOffset, ReadOnlySpan<byte> value, int cpu, bool clearOthers)
    {
        var values = Values!;
        if (!IsPerCpu)
        {
            value[..ValueSize].CopyTo(values.AsSpan(elementOffset, ValueSize));
            return;
        }
        for (int c = 0; c < PossibleCpus; c++)
        {
            var slot = values.AsSpan(elementOffset + c * Stride, ValueSize);
            if (cpu < 0)
                value.Slice(c * Stride, ValueSize).CopyTo(slot);
            else if (c == cpu)
                value[..ValueSize].CopyTo(slot);
            else if (clearOthers)
                slot.Clear();
        }
    }

    /// <summary>Reads an element's value in the host layout (padding between CPUs zeroed).</summary>
    private protected void ReadValue(int elementOffset, Span<byte> value)
    {
        if (!IsPerCpu)
        {
            Values.AsSpan(elementOffset, ValueSize).CopyTo(value);
            return;
        }
        value.Clear();
        for (int c = 0; c < PossibleCpus; c++)
            Values.AsSpan(elementOffset + c * Stride, ValueSize).CopyTo(value[(c * Stride)..]);
    }

    /// <summary>The bytes one element takes in <see cref="Values"/>.</summary>
    private protected int ElementSize => IsPerCpu ? Stride * PossibleCpus : Stride;

    /// <summary>A CPU number a program may use for this map (per-CPU values are indexed by it).</summary>
    private protected int CpuSlot(int cpu) => IsPerCpu ? (int)((uint)cpu % (uint)PossibleCpus) : 0;

    /// <inheritdoc/>
    public override string ToString() => $"{UapiNames.NameOf(Type) ?? Type.ToString()} '{Name}' key {KeySize}B value {ValueSize}B max_entries {MaxEntries}";
}
