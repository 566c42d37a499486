using SharpBpf.Runtime.Hooks;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

/// <summary>
/// What the standard helpers need of a run beyond its memory: the running program's maps (map
/// handles and map value regions), the CPU it runs on, where trace_printk writes, the random
/// source, and tail-call and callback state. <see cref="LoadedProgram"/> sets one up per run
/// (<see cref="HelperContext.Environment"/>); a host running programs itself can too.
/// </summary>
public sealed class RunEnvironment
{
    /// <summary>The high 32 bits of a map handle (what <c>lddw rX, map</c> loads): an unmapped region, so a handle is never dereferenced.</summary>
    public const ulong MapHandleTag = 0xFFFF_FFFF_0000_0000UL;

    /// <summary>The high 32 bits of a callback address (<c>lddw rX, func</c>): also unmapped.</summary>
    public const ulong FunctionTag = 0xFFFF_FFFE_0000_0000UL;

    /// <summary>Creates an environment for a program's map table, whose value regions start at <paramref name="firstMapRegion"/>.</summary>
    public RunEnvironment(IReadOnlyList<UserMap> maps, int firstMapRegion)
    {
        ArgumentNullException.ThrowIfNull(maps);
        Maps = maps;
        FirstMapRegion = firstMapRegion;
    }

    /// <summary>The maps <c>lddw</c> map handles index.</summary>
    public IReadOnlyList<UserMap> Maps { get; internal set; }

    /// <summary>The region of <c>Maps[0]</c>'s values; map k's is this + k.</summary>
    public int FirstMapRegion { get; internal set; }

    /// <summary>The CPU the program runs on (bpf_get_smp_processor_id; the per-CPU value a lookup returns).</summary>
    public int Cpu { get; set; }

    /// <summary>Where bpf_trace_printk writes (as /sys/kernel/tracing/trace_pipe would show it); null discards.</summary>
    public TextWriter? TraceOutput { get; set; }

    /// <summary>bpf_get_prandom_u32's source.</summary>
    public Random Random { get; set; } = Random.Shared;

    /// <summary>What a host's own helpers need (its context object); the runtime does not look at it.</summary>
    public object? HostState { get; set; }

    /// <summary>The program running (the target after a tail call); null for host-driven runs.</summary>
    public LoadedProgram? Program { get; internal set; }

    /// <summary>The tail call bpf_tail_call asked for, taken by the runner after the run stops.</summary>
    internal LoadedProgram? PendingTailCall { get; set; }

    /// <summary>Tail calls taken in this run so far (at most 33: MAX_TAIL_CALL_CNT).</summary>
    internal int TailCalls { get; set; }

    /// <summary>The index in <see cref="Maps"/> of the map a handle names, or -1.</summary>
    public int IndexOf(ulong handle)
    {
        if ((handle & 0xFFFF_FFFF_0000_0000UL) != MapHandleTag)
            return -1;
        uint k = (uint)handle;
        return k < (uint)Maps.Count ? (int)k : -1;
    }

    /// <summary>The handle of map k.</summary>
    public static ulong HandleOf(int k) => MapHandleTag | (uint)k;

    /// <summary>The program address of byte <paramref name="offset"/> of map k's values.</summary>
    public ulong ValueAddress(int k, int offset) => ((ulong)(uint)(FirstMapRegion + k) << 32) | (uint)offset;

    /// <summary>The map whose value region an address falls in, with the offset; null otherwise.</summary>
    public UserMap? MapOfAddress(ulong address, out int offset)
    {
        int k = (int)(address >> 32) - FirstMapRegion;
        offset = (int)(uint)address;
        return k >= 0 && k < Maps.Count ? Maps[k] : null;
    }
}
