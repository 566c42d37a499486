using System.Diagnostics;
using SharpBpf.Core;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

/// <summary>
/// The kernel's helpers for userspace runs, registered under their kernel ids (HelperIds.g.cs):
/// map operations, time, random numbers, the CPU id, trace_printk and snprintf, ring buffer and
/// perf event output, tail calls, bpf_loop, bounded probe reads and the string helpers. They need
/// a <see cref="RunEnvironment"/> (which <see cref="Hooks.LoadedProgram"/> provides). Errors a
/// program can handle are returned as the kernel returns them (negative errno, NULL); what the
/// kernel's verifier would have rejected (a pointer argument outside program memory, a map
/// handle that is not one) stops the run with a fault naming the helper.
/// </summary>
public static partial class StandardHelpers
{
    /// <summary>BPF_F_CURRENT_CPU: "the slot of the CPU running the program".</summary>
    public const ulong CurrentCpu = 0xFFFF_FFFFUL;

    /// <summary>A registry with every standard helper; add or replace entries for a host's own.</summary>
    public static HelperRegistry Create() => Register(new HelperRegistry());

    /// <summary>Registers every standard helper in <paramref name="registry"/> (replacing entries with the same ids).</summary>
    public static HelperRegistry Register(HelperRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        void Add(string name, BpfHelper fn) => registry.Register(IdOf(name), "bpf_" + name, fn);
        Add("map_lookup_elem", MapLookup);
        Add("map_update_elem", MapUpdate);
        Add("map_delete_elem", MapDelete);
        Add("map_push_elem", MapPush);
        Add("map_pop_elem", static (c, m, v, _, _, _) => MapPop(c, m, v, delete: true));
        Add("map_peek_elem", static (c, m, v, _, _, _) => MapPop(c, m, v, delete: false));
        Add("ktime_get_ns", static (_, _, _, _, _, _) => MonotonicNs());
        Add("ktime_get_boot_ns", static (_, _, _, _, _, _) => MonotonicNs());
        Add("ktime_get_coarse_ns", static (_, _, _, _, _, _) => MonotonicNs());
        Add("get_prandom_u32", static (c, _, _, _, _, _) => (uint)Env(c).Random.Next() ^ ((uint)Env(c).Random.Next() << 1));
        Add("get_smp_processor_id", static (c, _, _, _, _, _) => (ulong)Env(c).Cpu);
        Add("get_numa_node_id", static (_, _, _, _, _, _) => 0);
        Add("trace_printk", TracePrintk);
        Add("snprintf", Snprintf);
        Add("probe_read", ProbeRead);
        Add("probe_read_kernel", ProbeRead);
        Add("probe_read_user", ProbeRead);
        Add("probe_read_str", ProbeReadString);
        Add("probe_read_kernel_str", ProbeReadString);
        Add("probe_read_user_str", ProbeReadString);
        Add("strtol", static (c, buf, len, flags, res, _) => StringToNumber(c, buf, len, flags, res, signed: true));
        Add("strtoul", static (c, buf, len, flags, res, _) => StringToNumber(c, buf, len, flags, res, signed: false));
        Add("strncmp", Strncmp);
        Add("ringbuf_output", RingbufOutput);
        Add("ringbuf_reserve", RingbufReserve);
        Add("ringbuf_submit", static (c, data, flags, _, _, _) => RingbufCommit(c, data, flags, discard: false));
        Add("ringbuf_discard", static (c, data, flags, _, _, _) => RingbufCommit(c, data, flags, discard: true));
        Add("ringbuf_query", RingbufQuery);
        Add("perf_event_output", PerfEventOutput);
        Add("tail_call", TailCall);
        Add("loop", Loop);
        return registry;
    }

    private static int IdOf(string name) =>
        HelperIds.IdOf(name) is var id and > 0 ? id : throw new InvalidOperationException($"helper bpf_{name} missing from HelperIds.g.cs");

    /// <summary>-errno as the 64-bit value a helper returns.</summary>
    private static ulong Err(int errno) => unchecked((ulong)(long)-errno);

    private static ulong Result(int e) => unchecked((ulong)(long)e);

    internal static RunEnvironment Env(HelperContext c) =>
        c.Environment ?? throw Fault(c, "the standard helpers need a RunEnvironment (run the program through LoadedProgram or set HelperContext.Environment)");

    internal static BpfRuntimeException Fault(HelperContext c, string message) =>
        new(new BpfRuntimeError(RuntimeErrorKind.HelperFailed, c.Pc, message));

    /// <summary>The map a handle argument names; a fault when it names none (the kernel's verifier only lets map pointers through).</summary>
    private static (UserMap Map, int Index) MapArg(HelperContext c, ulong handle, RunEnvironment env)
    {
        int k = env.IndexOf(handle);
        return k >= 0 ? (env.Maps[k], k) : throw Fault(c, $"0x{handle:x} is not a map");
    }

    private static ulong MonotonicNs()
    {
        long ts = Stopwatch.GetTimestamp();
        return Stopwatch.Frequency == 1_000_000_000 ? (ulong)ts : (ulong)(ts * (1_000_000_000.0 / Stopwatch.Frequency));
    }

    private static ulong MapLookup(HelperContext c, ulong map, ulong key, ulong r3, ulong r4, ulong r5)
    {
        var env = Env(c);
        var (m, k) = MapArg(c, map, env);
        if (m.Values is null)
            return 0;
        int offset = m.ProgramLookup(c.GetSpan(key, m.KeySize, false), env.Cpu);
        return offset < 0 ? 0 : env.ValueAddress(k, offset);
    }

    private static ulong MapUpdate(HelperContext c, ulong map, ulong key, ulong value, ulong flags, ulong r5)
    {
        var env = Env(c);
        var (m, _) = MapArg(c, map, env);
        return Result(m.ProgramUpdate(c.GetSpan(key, m.KeySize, false), c.GetSpan(value, m.ValueSize, false), flags, env.Cpu));
    }

    private static ulong MapDelete(HelperContext c, ulong map, ulong key, ulong r3, ulong r4, ulong r5)
    {
        var env = Env(c);
        var (m, _) = MapArg(c, map, env);
        return Result(m.ProgramDelete(c.GetSpan(key, m.KeySize, false)));
    }

    private static ulong MapPush(HelperContext c, ulong map, ulong value, ulong flags, ulong r4, ulong r5)
    {
        var (m, _) = MapArg(c, map, Env(c));
        return Result(m.ProgramPush(c.GetSpan(value, m.ValueSize, false), flags));
    }

    private static ulong MapPop(HelperContext c, ulong map, ulong value, bool delete)
    {
        var (m, _) = MapArg(c, map, Env(c));
        return Result(m.ProgramPop(c.GetSpan(value, m.ValueSize, true), delete));
    }
}
