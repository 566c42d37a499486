using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux;

/// <summary>Batch operations (BPF_MAP_*_BATCH, Linux 5.6): many elements per syscall.</summary>
public sealed unsafe partial class KernelMap
{
    /// <summary>
    /// Reads the next batch of elements into <paramref name="keys"/> (n × key size bytes) and
    /// <paramref name="values"/> (n × <see cref="ValueBufferSize"/> bytes); returns how many were
    /// read. After the last batch <see cref="MapBatchCursor.IsDone"/> is true. Map types without
    /// batch operations throw <see cref="BpfNotSupportedException"/>.
    /// </summary>
    public int LookupBatch(MapBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        LookupBatchCore(BpfCommand.MapLookupBatch, cursor, keys, values);

    /// <summary>As <see cref="LookupBatch"/>, deleting what it reads.</summary>
    public int LookupAndDeleteBatch(MapBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        LookupBatchCore(BpfCommand.MapLookupAndDeleteBatch, cursor, keys, values);

    /// <summary>
    /// Writes n elements from <paramref name="keys"/> and <paramref name="values"/>; returns n.
    /// <paramref name="flags"/> is elem_flags, which Linux 6.18 limits to <see cref="MapUpdateFlags.Lock"/>
    /// (NoExist and Exist give EINVAL there).
    /// </summary>
    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        int count = BatchCount(keys);
        if (values.Length != count * ValueBufferSize)
            throw new ArgumentException($"{count} values of map '{Name}' are {count * ValueBufferSize} bytes, not {values.Length}", nameof(values));
        using var fd = Fd.Acquire();
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var attr = new MapBatchAttr { MapFd = fd.Fd, Keys = Sys.Pointer(k), Values = Sys.Pointer(v), Count = (uint)count, ElemFlags = (ulong)flags };
            Batch(BpfCommand.MapUpdateBatch, ref attr, Errno.None);
            return (int)attr.Count;
        }
    }

    /// <summary>Deletes the elements of <paramref name="keys"/>; returns how many were deleted, stopping at the first absent key.</summary>
    public int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        int count = BatchCount(keys);
        using var fd = Fd.Acquire();
        fixed (byte* k = keys)
        {
            var attr = new MapBatchAttr { MapFd = fd.Fd, Keys = Sys.Pointer(k), Count = (uint)count };
            Batch(BpfCommand.MapDeleteBatch, ref attr, Errno.ENOENT);
            return (int)attr.Count;
        }
    }

    private int LookupBatchCore(BpfCommand command, MapBatchCursor cursor, Span<byte> keys, Span<byte> values)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Map is not null && cursor.Map != this)
            throw new ArgumentException($"the cursor belongs to {cursor.Map}", nameof(cursor));
        if (cursor.IsDone)
            return 0;
        int count = BatchCount(keys);
        if (values.Length < count * ValueBufferSize)
            throw new ArgumentException($"{count} values of map '{Name}' need {count * ValueBufferSize} bytes, not {values.Length}", nameof(values));
        if (count == 0)
            throw new ArgumentException("a batch needs room for at least one element", nameof(keys));

        // The token is a u32 bucket for hash maps (kernel/bpf/hashtab.c) and a key for the generic
        // batch ops (kernel/bpf/syscall.c, generic_map_lookup_batch): room for either. The kernel
        // reads in_batch before it writes out_batch, so one buffer serves both, as in libbpf's use.
        bool first = cursor.Token is null;
        cursor.Token ??= new byte[Math.Max(KeySize, 8)];
        cursor.Map = this;
        using var fd = Fd.Acquire();
        fixed (byte* token = cursor.Token)
        fixed (byte* k = keys)
        fixed (byte* v = values)
        {
            var attr = new MapBatchAttr
            {
                MapFd = fd.Fd,
                InBatch = first ? 0 : Sys.Pointer(token),
                OutBatch = Sys.Pointer(token),
                Keys = Sys.Pointer(k),
                Values = Sys.Pointer(v),
                Count = (uint)count,
            };
            // ENOENT: the end of the map; count still says how many this last call returned.
            if (Batch(command, ref attr, Errno.ENOENT) < 0)
                cursor.IsDone = true;
            return (int)attr.Count;
        }
    }

    private int Batch(BpfCommand command, ref MapBatchAttr attr, Errno expected)
    {
        try
        {
            return expected == Errno.None ? Sys.Bpf(command, ref attr) : Sys.Bpf(command, ref attr, expected);
        }
        catch (BpfNotSupportedException e) when (e.MinimumKernel is null)
        {
            throw new BpfNotSupportedException($"{BpfCommandNames.Of(command)} on {UapiNames.NameOf(Type) ?? Type.ToString()} maps", null, command, e.Errno)
                .WithContext(Context);
        }
        catch (BpfException e)
        {
            throw e.WithContext(Context);
        }
    }

    private int BatchCount(ReadOnlySpan<byte> keys)
    {
        if (KeySize == 0)
            throw new BpfNotSupportedException($"batch operations on {UapiNames.NameOf(Type) ?? Type.ToString()} maps (no keys)", null);
        if (keys.Length % KeySize != 0)
            throw new ArgumentException($"keys of map '{Name}' are {KeySize} bytes each; {keys.Length} bytes is not a whole number of keys", nameof(keys));
        return keys.Length / KeySize;
    }
}
