using System.Globalization;

namespace SharpBpf.Linux.Attach;

/// <summary>The names bpftool prints for perf event types and configs (tools/bpf/bpftool/link.c, from perf's tables).</summary>
public static class PerfEventNames
{
    private static readonly string[] Types = ["hardware", "software", "tracepoint", "hw-cache", "raw", "breakpoint"];

    private static readonly string[] Hardware =
    [
        "cpu-cycles", "instructions", "cache-references", "cache-misses", "branch-instructions", "branch-misses",
        "bus-cycles", "stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles",
    ];

    private static readonly string[] Software =
    [
        "cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults",
        "major-faults", "alignment-faults", "emulation-faults", "dummy", "bpf-output", "cgroup-switches",
    ];

    private static readonly string[] Cache = ["L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node"];
    private static readonly string[] CacheOp = ["load", "store", "prefetch"];
    private static readonly string[] CacheResult = ["refs", "misses"];

    /// <summary>"software", "hw-cache", ...; null for a type bpftool has no name for.</summary>
    public static string? TypeName(uint type) => type < Types.Length ? Types[type] : null;

    /// <summary>"cpu-clock", "L1-dcache-load-misses", ...; null when bpftool prints the number.</summary>
    public static string? ConfigName(uint type, ulong config) => type switch
    {
        (uint)PerfEventType.Hardware => config < (ulong)Hardware.Length ? Hardware[config] : null,
        (uint)PerfEventType.Software => config < (ulong)Software.Length ? Software[config] : null,
        (uint)PerfEventType.HwCache => CacheName(config),
        _ => null,
    };

    /// <summary>"software:cpu-clock", the event in bpftool's words.</summary>
    public static string Describe(PerfEventType type, ulong config) =>
        $"{TypeName((uint)type) ?? ((uint)type).ToString(CultureInfo.InvariantCulture)}:{ConfigName((uint)type, config) ?? config.ToString(CultureInfo.InvariantCulture)}";

    // bpftool's perf_config_hw_cache_str: cache-op-result, numbers where a part has no name.
    private static string CacheName(ulong config)
    {
        ulong cache = config & 0xff, op = (config >> 8) & 0xff, result = config >> 16;
        string Part(string[] names, ulong v) => v < (ulong)names.Length ? names[v] : v.ToString(CultureInfo.InvariantCulture);
        return $"{Part(Cache, cache)}-{Part(CacheOp, op)}-{Part(CacheResult, result)}";
    }
}
