namespace SharpBpf.Trace.Runtime;

/// <summary>A script that compiled but could not run: a probe failed to load or attach.</summary>
public sealed class TraceRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TraceRuntimeException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The exit code: 1, or bpftrace's for the failure (255 when a perf event has no rate).</summary>
    public int ExitCode { get; init; } = 1;

    /// <summary>Lines printed on stderr before <c>ERROR: </c> and the message (what bpftrace's libraries print first).</summary>
    public string PrintedBefore { get; init; } = "";

    /// <summary>Everything printed on stderr: <see cref="PrintedBefore"/>, then <c>ERROR: MESSAGE</c> and a newline.</summary>
    public string ErrorText => PrintedBefore + "ERROR: " + Message + "\n";
}
