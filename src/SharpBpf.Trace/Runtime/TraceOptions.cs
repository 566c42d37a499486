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

    /// <summary>Where diagnostics go (stderr).</summary>
    public TextWriter Errors { get; init; } = Console.Error;

    /// <summary>
    /// Called once before the session's first output (on stdout or <see cref="Errors"/>); until then, its
    /// programs are loaded and attached but what they record is not read. An exception it throws ends the
    /// session (which detaches and closes everything) and leaves <see cref="TraceSession.Run"/>.
    /// </summary>
    public Action? BeforeOutput { get; init; }

    /// <summary>Stops the session (Ctrl-C).</summary>
    public CancellationToken Cancellation { get; init; }
}
