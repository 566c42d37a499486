namespace SharpBpf.Runtime.Jit;

/// <summary>The engine <see cref="ExecutionEngines.Create"/> made, which one it is, and why it is not the one asked for.</summary>
/// <param name="Engine">The engine.</param>
/// <param name="Kind">What <paramref name="Engine"/> is.</param>
/// <param name="FallbackReason">Why the JIT was asked for but the interpreter runs; null otherwise.</param>
public sealed record EngineSelection(IExecutionEngine Engine, EngineKind Kind, string? FallbackReason) : IDisposable
{
    /// <summary>Frees the JIT's code (nothing for the interpreter).</summary>
    public void Dispose() => (Engine as IDisposable)?.Dispose();
}
