namespace SharpBpf.Runtime;

/// <summary>Why a program run stopped early.</summary>
public enum RuntimeErrorKind
{
    /// <summary>A load or store outside every region, or a store to a read-only one.</summary>
    OutOfBounds,
    /// <summary>The instruction budget was spent.</summary>
    BudgetExceeded,
    /// <summary>The program ran past its last instruction.</summary>
    FellOffEnd,
    /// <summary>A call to a helper id nothing is registered for.</summary>
    UnknownHelper,
    /// <summary>bpf-to-bpf calls deeper than <see cref="MemoryMap.MaxFrames"/>.</summary>
    CallDepthExceeded,
    /// <summary>An atomic operation on an address not aligned to its size.</summary>
    MisalignedAtomic,
    /// <summary>A helper reported failure.</summary>
    HelperFailed,
    /// <summary>An instruction the engine does not execute (e.g. a kfunc call).</summary>
    Unsupported,
}

/// <summary>A run-time fault: what, at which pc, and for memory faults the address and size.</summary>
/// <param name="Kind">The kind of fault.</param>
/// <param name="Pc">The instruction slot.</param>
/// <param name="Message">A one-line description.</param>
/// <param name="Address">The faulting address (memory faults).</param>
/// <param name="Size">The access size (memory faults).</param>
public sealed record BpfRuntimeError(RuntimeErrorKind Kind, int Pc, string Message, ulong Address = 0, int Size = 0)
{
    /// <inheritdoc/>
    public override string ToString() => $"pc {Pc}: {Message}";
}

/// <summary>Thrown inside engines and helpers to stop a run; engines turn it into an <see cref="ExecutionResult"/>.</summary>
public sealed class BpfRuntimeException(BpfRuntimeError error) : Exception(error.ToString())
{
    /// <summary>The fault.</summary>
    public BpfRuntimeError Error { get; } = error;
}
