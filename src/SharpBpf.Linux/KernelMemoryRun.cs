namespace SharpBpf.Linux;

/// <summary>
/// A memory-convention program run in the kernel by <see cref="KernelMemoryRunner"/>: the full
/// 64-bit r0 and the buffer afterwards, or why the kernel's verifier refused it.
/// </summary>
/// <param name="Rejection">The verifier's reason (its error line, else the log's first line) when it rejected the program; null when it ran.</param>
/// <param name="ReturnValue">r0 at the program's exit.</param>
/// <param name="Memory">The buffer after the run (null when there was none).</param>
public sealed record KernelMemoryRun(string? Rejection, ulong ReturnValue, byte[]? Memory)
{
    /// <summary>Whether the kernel loaded and ran the program.</summary>
    public bool Ran => Rejection is null;
}
