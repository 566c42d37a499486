namespace SharpBpf.Runtime.Jit;

/// <summary>
/// The JIT cannot run in this process: not x86-64 Linux, or the system refuses executable memory.
/// <see cref="ExecutionEngines.Create"/> falls back to the interpreter when it sees this.
/// </summary>
public sealed class JitUnavailableException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public JitUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with no reason.</summary>
    public JitUnavailableException() : this("the JIT is unavailable")
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public JitUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
