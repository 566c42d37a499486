namespace SharpBpf.Trace.Runtime;

/// <summary>A script that compiled but could not run: a probe failed to load or attach.</summary>
public sealed class TraceRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TraceRuntimeException(string message, Exception? inner = null) : base(message, inner) { }
}
