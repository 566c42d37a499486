namespace SharpBpf.Linux;

/// <summary>The input of BPF_PROG_TEST_RUN.</summary>
public sealed class ProgramTestRunOptions
{
    /// <summary>data_in: the packet (XDP, tc, socket filter, ...).</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The room for data_out; by default the input's length plus 256 bytes (XDP may grow the packet by its headroom).</summary>
    public int? DataOutSize { get; init; }

    /// <summary>ctx_in: the context (struct xdp_md, __sk_buff, raw tracepoint arguments, ...).</summary>
    public ReadOnlyMemory<byte> Context { get; init; }

    /// <summary>The room for ctx_out (0: the context is not read back).</summary>
    public int ContextOutSize { get; init; }

    /// <summary>How many times to run (0 and 1 both mean once); the duration is the mean.</summary>
    public uint Repeat { get; init; }

    /// <summary>flags.</summary>
    public TestRunFlags Flags { get; init; }

    /// <summary>The CPU to run on, with <see cref="TestRunFlags.RunOnCpu"/>.</summary>
    public uint Cpu { get; init; }

    /// <summary>batch_size for XDP live frames.</summary>
    public uint BatchSize { get; init; }
}
