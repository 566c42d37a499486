namespace SharpBpf.Linux.Printing;

/// <summary>
/// The order in which bpftool lists several values under one key (the pinned paths of a program,
/// the program ids of a BTF object): the iteration order of libbpf's hashmap (tools/lib/bpf/hashmap.c).
/// hashmap__append puts an entry at the head of its bucket, and every grow (to 4 buckets, then
/// twice as many whenever (size + 1) * 4 / 3 exceeds the capacity) re-adds a bucket's entries one
/// by one at the heads of the new buckets, which reverses the entries of one key again.
/// </summary>
internal static class LibbpfHashmapOrder
{
    /// <summary>Groups <paramref name="entries"/> (in insertion order) by key, each group in libbpf's iteration order.</summary>
    public static Dictionary<uint, List<T>> Group<T>(IEnumerable<(uint Key, T Value)> entries)
    {
        var groups = new Dictionary<uint, List<T>>();
        long capacity = 0;
        long size = 0;
        foreach (var (key, value) in entries)
        {
            // hashmap_needs_to_grow: cap == 0 || (sz + 1) * 4 / 3 > cap.
            if (capacity == 0 || (size + 1) * 4 / 3 > capacity)
            {
                capacity = capacity == 0 ? 4 : capacity * 2;
                foreach (var list in groups.Values)
                    list.Reverse();
            }
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = [];
            group.Insert(0, value);
            size++;
        }
        return groups;
    }
}
