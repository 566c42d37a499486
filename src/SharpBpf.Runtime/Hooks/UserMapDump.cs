using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Core.Maps;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Hooks;

/// <summary>
/// Prints a userspace map as <c>bpftool map dump</c> prints a map without BTF (print_entry_plain:
/// hex keys and values, per-CPU values one line per CPU, "Found N elements"); ring buffers and
/// perf event arrays print the records waiting to be consumed (and consume them).
/// </summary>
public static class UserMapDump
{
    /// <summary>Writes a header line and the map's elements.</summary>
    public static void Write(TextWriter w, UserMap map)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(map);
        w.WriteLine($"map '{map.Name}' ({UapiNames.NameOf(map.Type) ?? map.Type.ToString()}, key {map.KeySize}B, value {map.ValueSize}B, max_entries {map.MaxEntries}):");
        switch (map)
        {
            case RingBufferMap ring:
            {
                int n = ring.Consume(record =>
                {
                    w.Write("record: ");
                    WriteHex(w, record);
                    w.Write('\n');
                });
                w.WriteLine($"Found {n} records");
                return;
            }
            case PerfEventArrayMap perf:
            {
                var samples = perf.Drain();
                foreach (var (index, data) in samples)
                {
                    w.Write($"sample (slot {index}): ");
                    WriteHex(w, data);
                    w.Write('\n');
                }
                w.WriteLine($"Found {samples.Count} samples");
                return;
            }
            case ProgramArrayMap programs:
            {
                int found = 0;
                for (uint i = 0; i < (uint)programs.MaxEntries; i++)
                {
                    if (programs.Get(i) is { } p)
                    {
                        w.WriteLine($"key: {i}  program: {p.Name}");
                        found++;
                    }
                }
                w.WriteLine($"Found {found} elements");
                return;
            }
            case QueueStackMap:
                w.WriteLine($"{map.Count} values (a {(map.Type == MapType.Queue ? "queue" : "stack")} is read by popping)");
                return;
        }
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[map.ValueBufferSize];
        int count = 0;
        bool more = map.TryGetNextKey(default, next);
        while (more && count <= map.MaxEntries)
        {
            (key, next) = (next, key);
            if (map.TryLookup(key, value))
            {
                WritePlain(w, map, key, value);
                count++;
            }
            more = map.TryGetNextKey(key, next);
        }
        w.WriteLine($"Found {count} element{(count == 1 ? "" : "s")}");
    }

    /// <summary>print_entry_plain.</summary>
    private static void WritePlain(TextWriter w, UserMap map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int keySize = map.KeySize, valueSize = map.ValueSize;
        if (!map.IsPerCpu)
        {
            bool breakNames = keySize > 16 || valueSize > 16;
            bool singleLine = keySize + valueSize <= 24 && !breakNames;
            w.Write(breakNames ? "key:\n" : "key: ");
            WriteHex(w, key);
            w.Write(singleLine ? "  " : "\n");
            w.Write(breakNames ? "value:\n" : "value: ");
            WriteHex(w, value[..valueSize]);
            w.Write('\n');
            return;
        }
        int step = BpfMapLayout.PerCpuStride(valueSize);
        w.Write("key:\n");
        WriteHex(w, key);
        w.Write('\n');
        for (int cpu = 0; cpu < map.PossibleCpus; cpu++)
        {
            w.Write($"value (CPU {cpu:00}):{(valueSize > 16 ? '\n' : ' ')}");
            WriteHex(w, value.Slice(cpu * step, valueSize));
            w.Write('\n');
        }
    }

    /// <summary>fprint_hex: bytes separated by spaces, two spaces after 8, a newline after 16.</summary>
    private static void WriteHex(TextWriter w, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (i > 0)
                w.Write(i % 16 == 0 ? "\n" : i % 8 == 0 ? "  " : " ");
            w.Write(data[i].ToString("x2", CultureInfo.InvariantCulture));
        }
    }
}
