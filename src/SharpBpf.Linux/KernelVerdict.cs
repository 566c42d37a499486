namespace SharpBpf.Linux;

/// <summary>What the kernel's verifier said about a program (<see cref="KernelVerifier"/>).</summary>
public sealed record KernelVerdict
{
    /// <summary>Whether BPF_PROG_LOAD succeeded.</summary>
    public required bool Accepted { get; init; }

    /// <summary>The verifier's error line ("R0 invalid mem access 'map_value_or_null'"), or the error when the verifier never ran.</summary>
    public string? Reason { get; init; }

    /// <summary>The instruction the verifier stopped at, when its log names one.</summary>
    public int? Pc { get; init; }

    /// <summary>The errno of a rejection.</summary>
    public Errno? Errno { get; init; }

    /// <summary>The verifier's log (statistics on success; the error and statistics on a rejection).</summary>
    public required string Log { get; init; }

    /// <summary>"processed N insns" of the statistics.</summary>
    public int? ProcessedInstructions { get; init; }

    /// <summary>The verifier's own measure ("verification time N usec", BPF_LOG_STATS).</summary>
    public TimeSpan? VerificationTime { get; init; }

    /// <summary>Wall time of the whole BPF_PROG_LOAD as seen from user space (map creation excluded).</summary>
    public TimeSpan Elapsed { get; init; }
}
