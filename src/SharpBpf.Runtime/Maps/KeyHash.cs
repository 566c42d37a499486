using System.Buffers.Binary;

namespace SharpBpf.Runtime.Maps;

/// <summary>A deterministic hash of key bytes (so iteration order, hence dumps, is the same in every run).</summary>
internal static class KeyHash
{
    public static uint Of(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0xFF51AFD7ED558CCDUL;
            h ^= h >> 32;
            key = key[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < key.Length; i++)
            tail |= (ulong)key[i] << (8 * i);
        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 29;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 32;
        return (uint)h;
    }
}
