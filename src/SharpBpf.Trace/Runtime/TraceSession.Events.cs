using System.Buffers.Binary;
using SharpBpf.Linux;
using SharpBpf.Trace.Output;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Runtime;

public sealed partial class TraceSession
{
    private void OnRecord(ReadOnlySpan<byte> record)
    {
        // After exit() only END's output counts: other CPUs may still have events in flight.
        if (record.Length < 8 || (_exitRequested && !_ending))
            return;
        var kind = (EventKind)BinaryPrimitives.ReadInt64LittleEndian(record);
        long index = record.Length >= 16 ? BinaryPrimitives.ReadInt64LittleEndian(record[8..]) : 0;
        var plan = _script.Plan;
        switch (kind)
        {
            case EventKind.Exit:
                _exitRequested = true;
                break;
            case EventKind.Printf:
            case EventKind.Cat:
            case EventKind.System:
            {
                var layout = plan.Formats[(int)index];
                if (!_formatters.TryGetValue((int)index, out var f))
                    _formatters[(int)index] = f = new PrintfFormatter(layout.Format);
                var args = new PrintfArgument[layout.ArgTypes.Count];
                for (int i = 0; i < args.Length; i++)
                    args[i] = Argument(layout.ArgTypes[i], record.Slice(layout.Offsets[i], ResourcePlan.StoredSize(layout.ArgTypes[i])));
                string text = f.Render(args);
                if (kind == EventKind.Printf)
                    _output.Printf(text);
                else if (kind == EventKind.Cat)
                    _output.Cat(ReadFile(text));
                else
                    _output.Syscall(RunShell(text));
                break;
            }
            case EventKind.Time:
                _output.Time(Strftime.Now(plan.TimeFormats[(int)index]));
                break;
            case EventKind.PrintValue:
                _output.Value(plan.PrintValues[(int)index], record[16..]);
                break;
            case EventKind.PrintMap:
            {
                long top = BinaryPrimitives.ReadInt64LittleEndian(record[16..]);
                long div = BinaryPrimitives.ReadInt64LittleEndian(record[24..]);
                _output.Map(Snapshot((int)index), (int)top, (int)div);
                break;
            }
            case EventKind.Join:
            {
                var parts = new List<string>();
                for (int i = 0; i < ResourcePlan.JoinArgs; i++)
                {
                    var slot = record.Slice(16 + i * ResourcePlan.JoinArgSize, ResourcePlan.JoinArgSize);
                    if (slot[0] == 0)
                        break;
                    parts.Add(TraceValueFormatter.CString(slot));
                }
                _output.Join(string.Join(plan.JoinDelimiters[(int)index], parts));
                break;
            }
            case EventKind.ClearMap:
                Clear(_maps[(int)index]);
                break;
            case EventKind.ZeroMap:
                Zero(_maps[(int)index]);
                break;
        }
        _output.Writer.Flush();
    }

    /// <summary>
    /// system(): the command's standard output, as bpftrace's exec_system reads it through popen(cmd, "r")
    /// (so /bin/sh -c, stderr inherited), printed once the command has ended.
    /// </summary>
    private string RunShell(string command)
    {
        _output.Writer.Flush();
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path}: {e.Message}\n";
        }
    }

    private PrintfArgument Argument(TraceType type, ReadOnlySpan<byte> bytes)
    {
        switch (type.Kind)
        {
            case TypeKind.Integer:
            case TypeKind.Pointer:
            case TypeKind.Count:
            case TypeKind.Sum:
            case TypeKind.Min:
            case TypeKind.Max:
                return PrintfArgument.Int(BinaryPrimitives.ReadInt64LittleEndian(bytes));
            case TypeKind.String:
                return PrintfArgument.Str(TraceValueFormatter.CString(bytes));
            case TypeKind.Buffer:
                return PrintfArgument.Buf(bytes.Slice(1, Math.Min(bytes[0], bytes.Length - 1)).ToArray());
            case TypeKind.Inet:
            case TypeKind.Tuple:
                return PrintfArgument.Str(TraceValueFormatter.Text(type, bytes, _resolver));
            default:
                return PrintfArgument.Str(_resolver.Resolve(type, bytes, inKey: false));
        }
    }

    private static void Clear(KernelMap map)
    {
        foreach (var k in Keys(map))
            map.Delete(k);
    }

    private static void Zero(KernelMap map)
    {
        var zero = new byte[map.ValueBufferSize];
        foreach (var k in Keys(map))
            map.Update(k, zero);
    }

    private static List<byte[]> Keys(KernelMap map)
    {
        var keys = new List<byte[]>();
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        bool first = true;
        while (map.TryGetNextKey(first ? default : key, next))
        {
            first = false;
            keys.Add((byte[])next.Clone());
            next.CopyTo(key, 0);
        }
        return keys;
    }

    private List<MapSnapshot> Snapshots()
    {
        var list = new List<MapSnapshot>();
        for (int i = 0; i < _script.Plan.Maps.Count; i++)
        {
            if (_script.Plan.Maps[i].Script is not null)
                list.Add(Snapshot(i));
        }
        return list;
    }

    /// <summary>Reads a script map into the printers' form: keys repacked back to back, per-CPU slots folded.</summary>
    private MapSnapshot Snapshot(int index)
    {
        var plan = _script.Plan.Maps[index];
        var info = plan.Script!;
        var stored = info.StoredKey;
        var keyTypes = info.KeyTypes.Count == 0 ? new List<TraceType>() : info.KeyTypes.Count == 1 ? [stored] : new List<TraceType>(stored.Elements);
        var snap = new MapSnapshot(info.Name, info.Value, keyTypes);
        var map = _maps[index];
        var value = new byte[map.ValueBufferSize];
        int cpus = map.IsPerCpu ? map.PossibleCpus : 1;
        int stride = map.IsPerCpu ? (map.ValueSize + 7) & ~7 : map.ValueSize;
        var kind = info.Value.Kind;
        var histograms = new Dictionary<string, (byte[] Key, long[] Buckets)>(StringComparer.Ordinal);
        var order = new List<string>();
        int bucketCount = kind == TypeKind.Hist ? MapSnapshot.HistBuckets : kind == TypeKind.Lhist ? (int)((info.Value.LhistBounds.Max - info.Value.LhistBounds.Min) / info.Value.LhistBounds.Step + 2) : 0;
        foreach (var key in Keys(map))
        {
            if (!map.TryLookup(key, value))
                continue;
            byte[] userKey = Repack(key, info);
            var slots = new long[cpus];
            for (int c = 0; c < cpus; c++)
                slots[c] = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(c * stride));
            switch (kind)
            {
                case TypeKind.Count:
                case TypeKind.Sum:
                    snap.Add(userKey, PerCpu.Sum(slots));
                    break;
                case TypeKind.Max:
                    snap.Add(userKey, PerCpu.Max(slots));
                    break;
                case TypeKind.Min:
                    snap.Add(userKey, PerCpu.MinFromInverted(slots));
                    break;
                case TypeKind.Avg:
                case TypeKind.Stats:
                {
                    long count = 0, total = 0;
                    for (int c = 0; c < cpus; c++)
                    {
                        count += BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(c * stride));
                        total += BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(c * stride + 8));
                    }
                    snap.AddAverage(userKey, count, total);
                    break;
                }
                case TypeKind.Hist:
                case TypeKind.Lhist:
                {
                    int keyBytes = (stored.Size + 7) & ~7;
                    long bucket = BinaryPrimitives.ReadInt64LittleEndian(key.AsSpan(keyBytes));
                    string id = Convert.ToHexString(userKey);
                    if (!histograms.TryGetValue(id, out var h))
                    {
                        histograms[id] = h = (userKey, new long[bucketCount]);
                        order.Add(id);
                    }
                    if (bucket >= 0 && bucket < bucketCount)
                        h.Buckets[bucket] += PerCpu.Sum(slots);
                    break;
                }
                default:
                    snap.AddValue(userKey, value.AsSpan(0, Math.Max(ResourcePlan.StoredSize(info.Value), 8)).ToArray());
                    break;
            }
        }
        foreach (var id in order)
            snap.AddHistogram(histograms[id].Key, histograms[id].Buckets);
        // bpftrace 0.17 prints a count() map without keys as 0 when it holds nothing (never counted, cleared
        // or deleted), in print() and at exit, text and JSON; the other kinds print nothing then
        if (kind == TypeKind.Count && info.KeyTypes.Count == 0 && snap.Entries.Count == 0)
            snap.Add([], 0);
        return snap;
    }

    // Kernel keys lay elements out 8-aligned; the printers want them back to back.
    private static byte[] Repack(byte[] key, Semantics.MapInfo info)
    {
        var stored = info.StoredKey;
        if (info.KeyTypes.Count <= 1)
            return key.AsSpan(0, info.KeyTypes.Count == 0 ? 0 : stored.Size).ToArray();
        var offsets = stored.TupleOffsets();
        var result = new byte[stored.Elements.Sum(e => e.Size)];
        int at = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            int size = stored.Elements[i].Size;
            key.AsSpan(offsets[i], size).CopyTo(result.AsSpan(at));
            at += size;
        }
        return result;
    }

    /// <summary>Resolves what only the session knows: stack ids through the stack map, probe ids to names.</summary>
    private sealed class SessionResolver(TraceSession session) : TraceValueResolver
    {
        private KernelSymbols? _kernel;

        private readonly Dictionary<string, UserSymbols> _byExecutable = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ElfSymbolTable?> _tables = new(StringComparer.Ordinal);

        public override string Resolve(TraceType type, ReadOnlySpan<byte> value, bool inKey)
        {
            ulong v = value.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
            switch (type.Kind)
            {
                case TypeKind.Probe:
                    return v < (ulong)session._script.Targets.Count ? session._script.Targets[(int)v].FullName : "";
                case TypeKind.Kstack:
                case TypeKind.Ustack:
                    return Stack(type, (uint)v, (int)(v >> 32), inKey);
                case TypeKind.Usym when value.Length >= 16:
                    return User((int)BinaryPrimitives.ReadUInt64LittleEndian(value[8..])).Format(v, showOffset: false);
                default:
                    return base.Resolve(type, value, inKey);
            }
        }

        // bpftrace's resolve_usym: the process's mappings read at each lookup (so a process that has
        // exited prints addresses), or once per executable when it caches user symbols.
        private UserSymbols User(int pid)
        {
            if (!session.CacheUserSymbols)
                return UserSymbols.Load(pid, _tables);
            string executable = Executable(pid);
            if (!_byExecutable.TryGetValue(executable, out var symbols))
                _byExecutable[executable] = symbols = UserSymbols.Load(pid, _tables);
            return symbols;
        }

        // get_pid_exe: where /proc/PID/exe points, "" once the process is gone.
        private static string Executable(int pid)
        {
            try
            {
                return new FileInfo($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/exe").LinkTarget ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return "";
            }
        }

        private string Stack(TraceType type, uint id, int pid, bool inKey)
        {
            bool user = type.Kind == TypeKind.Ustack, perf = type.StackPerf;
            int index = session._script.Plan.StackMap(type.StackLimit);
            if (index < 0 || (int)id < 0)
                return ""; // bpftrace's get_stack: no stack (kstack in a uprobe: -EFAULT) prints nothing
            var map = session._maps[index];
            var ips = new byte[map.ValueSize];
            Span<byte> key = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, id);
            if (!map.TryLookup(key, ips))
                return "";
            var frames = new List<(ulong, string)>();
            var symbols = user ? User(pid) : null;
            for (int i = 0; i + 8 <= ips.Length; i += 8)
            {
                ulong ip = BinaryPrimitives.ReadUInt64LittleEndian(ips.AsSpan(i));
                if (ip == 0)
                    break;
                string symbol = symbols is not null ? symbols.Format(ip, showOffset: true, perf) : (_kernel ??= KernelSymbols.Load()).Format(ip, showOffset: true);
                frames.Add((ip, symbol));
            }
            return SymbolFormat.Stack(frames, perf, inKey ? SymbolFormat.KeyStackIndent : SymbolFormat.StackIndent);
        }
    }
}
