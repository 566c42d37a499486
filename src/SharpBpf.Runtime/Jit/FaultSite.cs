namespace SharpBpf.Runtime.Jit;

/// <summary>What a compiled program's exit stub reports.</summary>
internal enum FaultKind : byte
{
    /// <summary>A load failed its bounds check.</summary>
    Load,
    /// <summary>A store or atomic failed its bounds or writability check.</summary>
    Store,
    /// <summary>An atomic on an address not aligned to its size.</summary>
    Misaligned,
    /// <summary>The instruction budget ran out at a backward jump or call.</summary>
    Budget,
    /// <summary>A ninth bpf-to-bpf frame.</summary>
    CallDepth,
    /// <summary>Execution reached the end without exit.</summary>
    FellOff,
    /// <summary>A helper threw, or callx named no helper: the trampoline recorded the error.</summary>
    Helper,
    /// <summary>A kfunc call.</summary>
    Kfunc,
    /// <summary>LD_ABS/LD_IND out of bounds: not a fault, the program returns 0 (Linux).</summary>
    PacketMiss,
}

/// <summary>
/// One exit stub of compiled code: the fault, the slot it names, and what to add to the counter
/// register to get the interpreter's exact instruction count at that point.
/// </summary>
/// <param name="Kind">The fault.</param>
/// <param name="Pc">The instruction slot errors report.</param>
/// <param name="CountAdjust">Executed instructions = counter + budget + this.</param>
/// <param name="Size">Access size for memory faults.</param>
/// <param name="Immediate">The kfunc's BTF id.</param>
internal readonly record struct FaultSite(FaultKind Kind, int Pc, int CountAdjust, int Size = 0, int Immediate = 0);

/// <summary>A helper call site: the slot (the helper's HelperContext.Pc) and the resolved helper, or -1 for callx.</summary>
internal readonly record struct HelperSite(int Pc, int HelperIndex);
