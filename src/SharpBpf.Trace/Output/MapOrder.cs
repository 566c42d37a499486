using System.Buffers.Binary;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Output;

/// <summary>The order bpftrace 0.17 prints a map's entries in (bpftrace.cpp's print_map, print_map_hist, print_map_stats, sort_by_key).</summary>
internal static class MapOrder
{
    public static List<MapEntry> Sort(MapSnapshot map)
    {
        var list = new List<MapEntry>(map.Entries);
        switch (map.ValueType.Kind)
        {
            case TypeKind.Count:
                StableSort(list, (a, b) => ((ulong)a.Value).CompareTo((ulong)b.Value));
                break;
            case TypeKind.Sum or TypeKind.Min or TypeKind.Max:
                StableSort(list, (a, b) => a.Value.CompareTo(b.Value));
                break;
            case TypeKind.Integer:
            {
                var t = map.ValueType;
                // reduce_value<int64_t or uint64_t> over the stored value
                if (t.IsSigned || t.Size < 8)
                    StableSort(list, (a, b) => TraceValueFormatter.ReadInteger(t, a.Raw).CompareTo(TraceValueFormatter.ReadInteger(t, b.Raw)));
                else
                    StableSort(list, (a, b) => ((ulong)TraceValueFormatter.ReadInteger(t, a.Raw)).CompareTo((ulong)TraceValueFormatter.ReadInteger(t, b.Raw)));
                break;
            }
            case TypeKind.Hist or TypeKind.Lhist:
                // a std::map by key bytes, then sorted by the total of all buckets
                StableSort(list, CompareKeyBytes);
                StableSort(list, (a, b) => a.BucketTotal().CompareTo(b.BucketTotal()));
                break;
            case TypeKind.Avg or TypeKind.Stats:
                StableSort(list, CompareKeyBytes);
                StableSort(list, (a, b) => a.Average.CompareTo(b.Average));
                break;
            default:
                SortByKey(map, list);
                break;
        }
        return list;
    }

    // sort_by_key: stable sorts from the last key argument to the first; integers compare unsigned
    // (read_data<uintN_t>), strings with strncmp, any other argument type leaves the order alone.
    private static void SortByKey(MapSnapshot map, List<MapEntry> list)
    {
        int offset = map.KeySize;
        for (int i = map.KeyTypes.Count - 1; i >= 0; i--)
        {
            var t = map.KeyTypes[i];
            offset -= t.Size;
            int o = offset;
            if (t.Kind == TypeKind.Integer)
            {
                int size = t.Size;
                StableSort(list, (a, b) => Unsigned(a.Key, o, size).CompareTo(Unsigned(b.Key, o, size)));
            }
            else if (t.Kind == TypeKind.String)
            {
                int size = t.Size;
                StableSort(list, (a, b) => StrNCmp(a.Key.AsSpan(o, size), b.Key.AsSpan(o, size)));
            }
        }
    }

    private static ulong Unsigned(byte[] key, int offset, int size) => size switch
    {
        1 => key[offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(key.AsSpan(offset)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(offset)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(key.AsSpan(offset)),
    };

    private static int StrNCmp(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (int i = 0; i < a.Length && i < b.Length; i++)
        {
            if (a[i] != b[i])
                return a[i].CompareTo(b[i]);
            if (a[i] == 0)
                return 0;
        }
        return 0;
    }

    private static int CompareKeyBytes(MapEntry a, MapEntry b) => a.Key.AsSpan().SequenceCompareTo(b.Key);

    // std::sort on bpftrace's small maps is an insertion sort, which keeps equal elements in order;
    // a stable sort gives the same order and stays deterministic on big maps.
    private static void StableSort(List<MapEntry> list, Comparison<MapEntry> compare)
    {
        var indexed = new (MapEntry Entry, int Index)[list.Count];
        for (int i = 0; i < indexed.Length; i++)
            indexed[i] = (list[i], i);
        Array.Sort(indexed, (x, y) =>
        {
            int c = compare(x.Entry, y.Entry);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        });
        for (int i = 0; i < indexed.Length; i++)
            list[i] = indexed[i].Entry;
    }
}
