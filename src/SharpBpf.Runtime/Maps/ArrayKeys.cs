using System.Buffers.Binary;

namespace SharpBpf.Runtime.Maps;

/// <summary>array_map_get_next_key, shared by every array-shaped map.</summary>
internal static class ArrayKeys
{
    /// <summary>No key or one out of range gives 0; the last gives ENOENT; otherwise the index after.</summary>
    public static int Next(ReadOnlySpan<byte> key, Span<byte> nextKey, int maxEntries)
    {
        uint next = 0;
        if (!key.IsEmpty)
        {
            uint i = BinaryPrimitives.ReadUInt32LittleEndian(key);
            if (i < (uint)maxEntries)
            {
                if (i == (uint)maxEntries - 1)
                    return -MapErrno.ENOENT;
                next = i + 1;
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(nextKey, next);
        return 0;
    }
}
