namespace SharpBpf.Linux;

/// <summary>The verifier's log_level bits (include/linux/bpf_verifier.h: BPF_LOG_LEVEL1, BPF_LOG_LEVEL2, BPF_LOG_STATS).</summary>
[Flags]
public enum VerifierLogLevel : uint
{
    /// <summary>No log while loading; on a rejection the load is repeated with <see cref="Basic"/> to explain it.</summary>
    None = 0,

    /// <summary>BPF_LOG_LEVEL1: the instructions of the path that failed, with register states.</summary>
    Basic = 1,

    /// <summary>BPF_LOG_LEVEL2: every instruction of every path, with full states.</summary>
    Verbose = 2,

    /// <summary>BPF_LOG_STATS: verification statistics (processed instructions, time, stack depth).</summary>
    Stats = 4,
}
