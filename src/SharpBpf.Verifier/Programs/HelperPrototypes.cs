using SharpBpf.Core;

namespace SharpBpf.Verifier.Programs;

/// <summary>What a helper argument must be (the kernel's enum bpf_arg_type, the ones tracked here).</summary>
internal enum ArgKind : byte
{
    /// <summary>Not an argument.</summary>
    None,
    /// <summary>Any initialised value (ARG_ANYTHING); under the strict rules, not a pointer.</summary>
    Anything,
    /// <summary>A map from lddw (ARG_CONST_MAP_PTR).</summary>
    ConstMapPtr,
    /// <summary>A pointer to the map's key_size initialised bytes (ARG_PTR_TO_MAP_KEY).</summary>
    MapKey,
    /// <summary>A pointer to the map's value_size initialised bytes (ARG_PTR_TO_MAP_VALUE).</summary>
    MapValue,
    /// <summary>A pointer to initialised memory of the size in the next argument (ARG_PTR_TO_MEM | MEM_RDONLY).</summary>
    ReadMem,
    /// <summary>The same or NULL.</summary>
    ReadMemOrNull,
    /// <summary>A pointer to memory the helper fills, of the size in the next argument (ARG_PTR_TO_UNINIT_MEM).</summary>
    WriteMem,
    /// <summary>The size of the previous argument's memory, bounded and not zero (ARG_CONST_SIZE).</summary>
    ConstSize,
    /// <summary>The same, zero allowed (ARG_CONST_SIZE_OR_ZERO).</summary>
    ConstSizeOrZero,
    /// <summary>A known constant size to allocate (ARG_CONST_ALLOC_SIZE_OR_ZERO).</summary>
    ConstAllocSize,
    /// <summary>The context pointer, unmodified (ARG_PTR_TO_CTX).</summary>
    Ctx,
    /// <summary>A stack pointer or NULL, handed to a callback (ARG_PTR_TO_STACK_OR_NULL).</summary>
    StackOrNull,
    /// <summary>A sub-program's address (ARG_PTR_TO_FUNC).</summary>
    Func,
    /// <summary>A ring buffer record from bpf_ringbuf_reserve, released by the call (ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE).</summary>
    RingbufMem,
}

/// <summary>What a helper returns (the kernel's enum bpf_return_type, the ones tracked here).</summary>
internal enum ReturnKind : byte
{
    /// <summary>A 64-bit number.</summary>
    Integer,
    /// <summary>A 32-bit number, zero-extended.</summary>
    Integer32,
    /// <summary>Nothing: r0 is not initialised afterwards (RET_VOID).</summary>
    Void,
    /// <summary>A map value of the map in r1, or NULL.</summary>
    MapValueOrNull,
    /// <summary>A new ring buffer record of the size in r2, or NULL; a reference to release.</summary>
    RingbufMemOrNull,
}

/// <summary>Which program types may call a helper.</summary>
[Flags]
internal enum HelperGroups
{
    /// <summary>Every program type (bpf_base_func_proto).</summary>
    Base = 1,
    /// <summary>kprobe, tracepoint, raw_tracepoint, perf_event, tracing.</summary>
    Tracing = 2,
    /// <summary>Programs on an sk_buff (socket filter, tc, cgroup_skb).</summary>
    Skb = 4,
    /// <summary>tc classifiers and actions.</summary>
    Tc = 8,
    /// <summary>XDP.</summary>
    Xdp = 16,
}

/// <summary>A helper's signature as the verifier checks it (the kernel's struct bpf_func_proto).</summary>
internal sealed record HelperPrototype(int Id, string Name, ReturnKind Return, ArgKind[] Args, HelperGroups Groups)
{
    /// <summary>Map types the map argument must have (check_map_func_compatibility); null: any that allows lookups.</summary>
    public MapType[]? MapTypes { get; init; }

    /// <summary>The helper may move packet data: every packet pointer is invalid afterwards (bpf_helper_changes_pkt_data).</summary>
    public bool ChangesPacketData { get; init; }

    /// <summary>The helper calls the function in this argument (1-based), like bpf_loop.</summary>
    public int CallbackArg { get; init; }
}

/// <summary>The helpers the verifier knows, with the program types that may call each.</summary>
internal static class HelperPrototypes
{
    private static readonly Dictionary<int, HelperPrototype> ById = Build();

    /// <summary>The prototype of a helper id, or null when the verifier does not know it.</summary>
    public static HelperPrototype? Find(int id) => ById.GetValueOrDefault(id);

    /// <summary>Every known helper.</summary>
    public static IEnumerable<HelperPrototype> All => ById.Values;

    /// <summary>The groups of helpers a program type may call.</summary>
    public static HelperGroups GroupsFor(ProgramType type) => type switch
    {
        ProgramType.Xdp => HelperGroups.Base | HelperGroups.Xdp,
        ProgramType.SchedCls or ProgramType.SchedAct => HelperGroups.Base | HelperGroups.Skb | HelperGroups.Tc,
        ProgramType.SocketFilter or ProgramType.CgroupSkb => HelperGroups.Base | HelperGroups.Skb,
        ProgramType.Kprobe or ProgramType.Tracepoint or ProgramType.RawTracepoint or ProgramType.RawTracepointWritable
            or ProgramType.PerfEvent or ProgramType.Tracing => HelperGroups.Base | HelperGroups.Tracing,
        _ => HelperGroups.Base,
    };

    private static Dictionary<int, HelperPrototype> Build()
    {
        var d = new Dictionary<int, HelperPrototype>();
        void Add(string name, ReturnKind ret, HelperGroups groups, params ArgKind[] args)
        {
            int id = HelperIds.IdOf(name);
            if (id > 0)
                d[id] = new HelperPrototype(id, "bpf_" + name, ret, args, groups);
        }
        void With(string name, Func<HelperPrototype, HelperPrototype> f)
        {
            int id = HelperIds.IdOf(name);
            if (d.TryGetValue(id, out var p))
                d[id] = f(p);
        }
        const HelperGroups B = HelperGroups.Base, T = HelperGroups.Tracing, S = HelperGroups.Skb, C = HelperGroups.Tc, X = HelperGroups.Xdp;
        const ArgKind Any = ArgKind.Anything, Map = ArgKind.ConstMapPtr;

        // kernel/bpf/helpers.c, bpf_base_func_proto.
        Add("map_lookup_elem", ReturnKind.MapValueOrNull, B, Map, ArgKind.MapKey);
        Add("map_update_elem", ReturnKind.Integer, B, Map, ArgKind.MapKey, ArgKind.MapValue, Any);
        Add("map_delete_elem", ReturnKind.Integer, B, Map, ArgKind.MapKey);
        Add("ktime_get_ns", ReturnKind.Integer, B);
        Add("ktime_get_boot_ns", ReturnKind.Integer, B);
        Add("jiffies64", ReturnKind.Integer, B);
        Add("get_prandom_u32", ReturnKind.Integer32, B);
        Add("get_smp_processor_id", ReturnKind.Integer32, B);
        Add("get_numa_node_id", ReturnKind.Integer, B);
        Add("tail_call", ReturnKind.Void, B, ArgKind.Ctx, Map, Any);
        // bpf_trace_printk checks only the format; r3-r5 are passed as they are (bpf_trace_printk_proto).
        Add("trace_printk", ReturnKind.Integer, B, ArgKind.ReadMem, ArgKind.ConstSize);
        Add("trace_vprintk", ReturnKind.Integer, B, ArgKind.ReadMem, ArgKind.ConstSize, ArgKind.ReadMemOrNull, ArgKind.ConstSizeOrZero);
        Add("ringbuf_output", ReturnKind.Integer, B, Map, ArgKind.ReadMem, ArgKind.ConstSizeOrZero, Any);
        Add("ringbuf_reserve", ReturnKind.RingbufMemOrNull, B, Map, ArgKind.ConstAllocSize, Any);
        Add("ringbuf_submit", ReturnKind.Void, B, ArgKind.RingbufMem, Any);
        Add("ringbuf_discard", ReturnKind.Void, B, ArgKind.RingbufMem, Any);
        Add("ringbuf_query", ReturnKind.Integer, B, Map, Any);
        Add("loop", ReturnKind.Integer, B, Any, ArgKind.Func, ArgKind.StackOrNull, Any);
        Add("probe_read_kernel", ReturnKind.Integer, B, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);
        Add("probe_read_user", ReturnKind.Integer, B, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);
        Add("probe_read_kernel_str", ReturnKind.Integer, B, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);
        Add("probe_read_user_str", ReturnKind.Integer, B, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);

        // Linux 6.18 gives every program type the current task's helpers too (bpf_base_func_proto, checked
        // against the kernel: each of these loads in xdp, socket, tc, kprobe, tracepoint and cgroup_skb programs).
        Add("get_current_pid_tgid", ReturnKind.Integer, B);
        Add("get_current_uid_gid", ReturnKind.Integer, B);
        Add("get_current_comm", ReturnKind.Integer, B, ArgKind.WriteMem, ArgKind.ConstSize);
        Add("get_current_task", ReturnKind.Integer, B);
        Add("get_current_cgroup_id", ReturnKind.Integer, B);
        Add("send_signal", ReturnKind.Integer, B, Any);
        Add("perf_event_output", ReturnKind.Integer, B, ArgKind.Ctx, Map, Any, ArgKind.ReadMem, ArgKind.ConstSizeOrZero);

        // kernel/trace/bpf_trace.c, bpf_tracing_func_proto.
        Add("probe_read", ReturnKind.Integer, T, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);
        Add("probe_read_str", ReturnKind.Integer, T, ArgKind.WriteMem, ArgKind.ConstSizeOrZero, Any);
        Add("get_stackid", ReturnKind.Integer, T, ArgKind.Ctx, Map, Any);
        Add("get_func_ip", ReturnKind.Integer, T, ArgKind.Ctx);

        // net/core/filter.c: sk_buff and XDP programs.
        Add("skb_load_bytes", ReturnKind.Integer, S, ArgKind.Ctx, Any, ArgKind.WriteMem, ArgKind.ConstSize);
        Add("skb_store_bytes", ReturnKind.Integer, C, ArgKind.Ctx, Any, ArgKind.ReadMem, ArgKind.ConstSize, Any);
        Add("get_socket_cookie", ReturnKind.Integer, S, ArgKind.Ctx);
        Add("get_socket_uid", ReturnKind.Integer, S, ArgKind.Ctx);
        Add("get_hash_recalc", ReturnKind.Integer, C, ArgKind.Ctx);
        Add("l3_csum_replace", ReturnKind.Integer, C, ArgKind.Ctx, Any, Any, Any, Any);
        Add("l4_csum_replace", ReturnKind.Integer, C, ArgKind.Ctx, Any, Any, Any, Any);
        Add("clone_redirect", ReturnKind.Integer, C, ArgKind.Ctx, Any, Any);
        Add("skb_change_proto", ReturnKind.Integer, C, ArgKind.Ctx, Any, Any);
        Add("skb_pull_data", ReturnKind.Integer, C, ArgKind.Ctx, Any);
        Add("redirect", ReturnKind.Integer, C | X, Any, Any);
        Add("redirect_map", ReturnKind.Integer, X, Map, Any, Any);
        Add("csum_diff", ReturnKind.Integer, C | X, ArgKind.ReadMemOrNull, ArgKind.ConstSizeOrZero, ArgKind.ReadMemOrNull, ArgKind.ConstSizeOrZero, Any);
        Add("xdp_adjust_head", ReturnKind.Integer, X, ArgKind.Ctx, Any);
        Add("xdp_adjust_tail", ReturnKind.Integer, X, ArgKind.Ctx, Any);
        Add("xdp_adjust_meta", ReturnKind.Integer, X, ArgKind.Ctx, Any);
        Add("xdp_load_bytes", ReturnKind.Integer, X, ArgKind.Ctx, Any, ArgKind.WriteMem, ArgKind.ConstSize);
        Add("xdp_store_bytes", ReturnKind.Integer, X, ArgKind.Ctx, Any, ArgKind.ReadMem, ArgKind.ConstSize);

        With("tail_call", p => p with { MapTypes = [MapType.ProgArray] });
        With("perf_event_output", p => p with { MapTypes = [MapType.PerfEventArray] });
        With("get_stackid", p => p with { MapTypes = [MapType.StackTrace] });
        With("ringbuf_output", p => p with { MapTypes = [MapType.Ringbuf] });
        With("ringbuf_reserve", p => p with { MapTypes = [MapType.Ringbuf] });
        With("ringbuf_query", p => p with { MapTypes = [MapType.Ringbuf] });
        With("redirect_map", p => p with { MapTypes = [MapType.Devmap, MapType.DevmapHash, MapType.Cpumap, MapType.Xskmap] });
        With("loop", p => p with { CallbackArg = 2 });
        foreach (var name in new[] { "xdp_adjust_head", "xdp_adjust_tail", "xdp_adjust_meta", "skb_store_bytes", "l3_csum_replace",
                     "l4_csum_replace", "clone_redirect", "skb_change_proto", "skb_pull_data" })
            With(name, p => p with { ChangesPacketData = true });
        return d;
    }
}
