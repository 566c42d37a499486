using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Helpers;

public static partial class StandardHelpers
{
    // BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP: notification hints, meaningless without a poller.
    private const ulong RingbufWakeupFlags = 3;

    private static RingBufferMap RingArg(HelperContext c, ulong map, RunEnvironment env, out int index)
    {
        var (m, k) = MapArg(c, map, env);
        index = k;
        return m as RingBufferMap ?? throw Fault(c, $"map '{m.Name}' is not a ring buffer");
    }

    // bpf_ringbuf_reserve(ringbuf, size, flags): the record's address, or NULL when it does not fit.
    private static ulong RingbufReserve(HelperContext c, ulong map, ulong size, ulong flags, ulong r4, ulong r5)
    {
        var env = Env(c);
        var ring = RingArg(c, map, env, out int k);
        if (flags != 0)
            return 0;
        int at = ring.Reserve(size);
        return at < 0 ? 0 : env.ValueAddress(k, at);
    }

    private static ulong RingbufCommit(HelperContext c, ulong data, ulong flags, bool discard)
    {
        var env = Env(c);
        if (env.MapOfAddress(data, out int offset) is not RingBufferMap ring || !ring.Commit(offset, discard))
            throw Fault(c, $"bpf_ringbuf_{(discard ? "discard" : "submit")}: {c.Memory.Describe(data)} is not a reserved ring buffer record");
        return 0;
    }

    private static ulong RingbufOutput(HelperContext c, ulong map, ulong data, ulong size, ulong flags, ulong r5)
    {
        var ring = RingArg(c, map, Env(c), out _);
        if ((flags & ~RingbufWakeupFlags) != 0 || size > int.MaxValue)
            return Err(MapErrno.EINVAL);
        return Result(ring.Output(c.GetSpan(data, (int)size, false)));
    }

    // bpf_ringbuf_query(ringbuf, flags): BPF_RB_AVAIL_DATA, BPF_RB_RING_SIZE, BPF_RB_CONS_POS, BPF_RB_PROD_POS; 0 otherwise.
    private static ulong RingbufQuery(HelperContext c, ulong map, ulong flags, ulong r3, ulong r4, ulong r5)
    {
        var ring = RingArg(c, map, Env(c), out _);
        return flags switch
        {
            0 => (ulong)ring.AvailableData,
            1 => (ulong)ring.Size,
            2 => (ulong)ring.ConsumerPosition,
            3 => (ulong)ring.ProducerPosition,
            _ => 0,
        };
    }

    // bpf_perf_event_output(ctx, map, flags, data, size): flags' low 32 bits are the slot, or
    // BPF_F_CURRENT_CPU; BPF_F_CTXLEN_MASK (appending packet bytes) is not supported here.
    private static ulong PerfEventOutput(HelperContext c, ulong ctx, ulong map, ulong flags, ulong data, ulong size)
    {
        var env = Env(c);
        var (m, _) = MapArg(c, map, env);
        if (m is not PerfEventArrayMap perf)
            throw Fault(c, $"map '{m.Name}' is not a perf event array");
        const ulong ctxLenMask = 0xFFFFFUL << 32;
        if ((flags & ~(CurrentCpu | ctxLenMask)) != 0 || size > int.MaxValue)
            return Err(MapErrno.EINVAL);
        if ((flags & ctxLenMask) != 0)
            return Err(MapErrno.ENOTSUPP);
        uint index = (flags & CurrentCpu) == CurrentCpu ? (uint)env.Cpu : (uint)flags;
        return Result(perf.Output(index, c.GetSpan(data, (int)size, false)));
    }
}
