using System.Buffers.Binary;
using SharpBpf.Core;
using SharpBpf.Runtime.Hooks;

namespace SharpBpf.Runtime.Maps;

/// <summary>
/// BPF_MAP_TYPE_PROG_ARRAY: the targets of <c>bpf_tail_call</c>. The host sets programs by index
/// (<see cref="Set"/>), or through <see cref="UserMap.Update"/> with a program id that
/// <see cref="Resolver"/> turns into a program (as the kernel takes a program fd); a lookup
/// returns the id. An index past max_entries fails with E2BIG, deleting an empty slot with ENOENT.
/// </summary>
public sealed class ProgramArrayMap : UserMap
{
    private readonly LoadedProgram?[] _programs;

    /// <summary>Creates the array; EINVAL unless keys and values are 4 bytes.</summary>
    public ProgramArrayMap(string name, int maxEntries, int keySize = 4, int valueSize = 4, uint flags = 0)
        : base(name, MapType.ProgArray, keySize, valueSize, maxEntries, flags, 1)
    {
        if (keySize != 4 || valueSize != 4 || maxEntries <= 0)
            throw new BpfMapException(MapErrno.EINVAL, $"map '{name}': a program array has 4-byte keys and values and max_entries");
        _programs = new LoadedProgram?[maxEntries];
    }

    /// <summary>Turns the id written by <see cref="UserMap.Update"/> into a program; null ids are EBADF.</summary>
    public Func<uint, LoadedProgram?>? Resolver { get; set; }

    /// <inheritdoc/>
    public override int Count
    {
        get
        {
            lock (Sync)
                return _programs.Count(p => p is not null);
        }
    }

    /// <summary>Sets (or with null clears) the program at an index.</summary>
    public void Set(int index, LoadedProgram? program)
    {
        if ((uint)index >= (uint)MaxEntries)
            throw new BpfMapException(MapErrno.E2BIG, $"index {index} of program array '{Name}' is past its {MaxEntries} entries");
        Volatile.Write(ref _programs[index], program);
    }

    /// <summary>The program at an index, or null (what a tail call jumps to).</summary>
    public LoadedProgram? Get(uint index) => index < (uint)MaxEntries ? Volatile.Read(ref _programs[index]) : null;

    private protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (i >= (uint)MaxEntries || _programs[i] is not { } p)
            return -MapErrno.ENOENT;
        BinaryPrimitives.WriteUInt32LittleEndian(value, p.Id);
        return 0;
    }

    private protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int cpu)
    {
        if (cpu >= 0 || flags > 2)
            return -MapErrno.EINVAL;
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (i >= (uint)MaxEntries)
            return -MapErrno.E2BIG;
        if (flags == 1)
            return -MapErrno.EEXIST; // fd arrays: every slot "exists" (array_map semantics)
        if (Resolver?.Invoke(BinaryPrimitives.ReadUInt32LittleEndian(value)) is not { } program)
            return -MapErrno.EBADF;
        Volatile.Write(ref _programs[i], program);
        return 0;
    }

    private protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (i >= (uint)MaxEntries || _programs[i] is null)
            return -MapErrno.ENOENT;
        Volatile.Write(ref _programs[i], null);
        return 0;
    }

    private protected override int NextKeyCore(ReadOnlySpan<byte> key, Span<byte> nextKey) => ArrayKeys.Next(key, nextKey, MaxEntries);
}
