namespace SharpBpf.Runtime;

/// <summary>The outcome of one program run.</summary>
/// <param name="ReturnValue">r0 at exit (0 when the run faulted).</param>
/// <param name="Instructions">Instructions executed (lddw counts once).</param>
/// <param name="Error">The fault, or null when the program exited normally.</param>
public readonly record struct ExecutionResult(ulong ReturnValue, long Instructions, BpfRuntimeError? Error)
{
    /// <summary>True when the program reached exit.</summary>
    public bool Success => Error is null;
}
