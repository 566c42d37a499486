namespace SharpBpf.Trace.Runtime;

/// <summary>How to run a script (bpftrace's command-line options).</summary>
public sealed class TraceOptions
{
    /// <summary>-c CMD: run this command, trace it, stop when it exits.</summary>
    public string? Command { get; init; }

    /// <summary>-p PID: filter uprobes to this process, stop when it exits.</summary>
    public int? Pid { get; init; }

    /// <summary>-f text|json.</summary>
    public string Format { get; init; } = "text";

    /// <summary>-v: print programs' verifier statistics and our verifier's verdicts.</summary>
    public bool Verbose { get; init; }

    /// <summary>The most probes a script may attach (bpftrace's BPFTRACE_MAX_PROBES, 512 unless set).</summary>
    public ulong MaxProbes { get; init; } = DefaultMaxProbes;

    /// <summary>bpftrace 0.17's limit when BPFTRACE_MAX_PROBES is not set.</summary>
    public const ulong DefaultMaxProbes = 512;

    /// <summary>
    /// BPFTRACE_MAX_PROBES's value read as bpftrace 0.17 reads it (C++'s stoull: leading spaces, a sign, the
    /// decimal digits up to the first other character; "-1" wraps to the largest value); null when unset,
    /// false when it holds no number or one too large.
    /// </summary>
    public static bool TryParseMaxProbes(string? text, out ulong? limit)
    {
        limit = null;
        if (text is null)
            return true;
        if (!Probes.BpftraceInt.Stoull(text, 10, out ulong value, out _))
            return false;
        limit = value;
        return true;
    }

    /// <summary>Where diagnostics go (stderr).</summary>
    public TextWriter Errors { get; init; } = Console.Error;

    /// <summary>Stops the session (Ctrl-C).</summary>
    public CancellationToken Cancellation { get; init; }
}
