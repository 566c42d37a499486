namespace SharpBpf.Linux;

/// <summary>flags of BPF_PROG_TEST_RUN (#defines in include/uapi/linux/bpf.h).</summary>
[Flags]
public enum TestRunFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>BPF_F_TEST_RUN_ON_CPU: run on <see cref="ProgramTestRunOptions.Cpu"/> (raw tracepoints).</summary>
    RunOnCpu = 1u << 0,
    /// <summary>BPF_F_TEST_XDP_LIVE_FRAMES: send XDP frames for real (5.18).</summary>
    XdpLiveFrames = 1u << 1,
    /// <summary>BPF_F_TEST_SKB_CHECKSUM_COMPLETE: give the skb CHECKSUM_COMPLETE (6.11).</summary>
    SkbChecksumComplete = 1u << 2,
}
