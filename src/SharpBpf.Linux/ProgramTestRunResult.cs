namespace SharpBpf.Linux;

/// <summary>The output of BPF_PROG_TEST_RUN.</summary>
public sealed class ProgramTestRunResult
{
    internal ProgramTestRunResult(uint returnValue, uint durationNanoseconds, byte[] data, byte[] context)
    {
        ReturnValue = returnValue;
        DurationNanoseconds = durationNanoseconds;
        Data = data;
        Context = context;
    }

    /// <summary>retval: what the program returned (r0's low 32 bits).</summary>
    public uint ReturnValue { get; }

    /// <summary>duration: the mean time of one run in nanoseconds.</summary>
    public uint DurationNanoseconds { get; }

    /// <summary>data_out: the packet after the program (data_size_out bytes).</summary>
    public byte[] Data { get; }

    /// <summary>ctx_out: the context after the program (ctx_size_out bytes).</summary>
    public byte[] Context { get; }
}
