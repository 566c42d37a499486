using System.Globalization;

namespace SharpBpf.Verifier;

/// <summary>The work the analysis did (the kernel's "processed N insns ..." line), and its time.</summary>
public sealed record VerifierStats
{
    /// <summary>Instructions processed, counting each visit (the kernel's insn_processed).</summary>
    public long ProcessedInstructions { get; init; }

    /// <summary>The limit in force.</summary>
    public long Limit { get; init; }

    /// <summary>The most states stored at any one instruction.</summary>
    public int MaxStatesPerInstruction { get; init; }

    /// <summary>States stored in all.</summary>
    public int TotalStates { get; init; }

    /// <summary>The most states stored at once.</summary>
    public int PeakStates { get; init; }

    /// <summary>States found covered by a stored one (pruned).</summary>
    public int PrunedStates { get; init; }

    /// <summary>Times two states were merged, or a loop head widened.</summary>
    public int Merges { get; init; }

    /// <summary>The largest stack size of the call chain (bytes, each frame rounded up to 32).</summary>
    public int StackDepth { get; init; }

    /// <summary>Wall time of verification.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The kernel's statistics line, with the time added.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"processed {ProcessedInstructions} insns (limit {Limit}) max_states_per_insn {MaxStatesPerInstruction} total_states {TotalStates} peak_states {PeakStates} pruned {PrunedStates} merged {Merges} stack {StackDepth} time {Elapsed.TotalMilliseconds:0.###} ms");
}

/// <summary>A loop and what was proven about it.</summary>
/// <param name="Header">The loop head.</param>
/// <param name="Latches">Where the back edges start.</param>
/// <param name="MaxIterations">Iterations per entry proven at most this; null when the loop was explored exhaustively or is bounded by may_goto.</param>
/// <param name="How">How termination was shown, in words.</param>
public sealed record LoopBound(int Header, IReadOnlyList<int> Latches, long? MaxIterations, string How);

/// <summary>Where a memory access goes, as far as the analysis knows (a set: paths may differ).</summary>
[Flags]
public enum MemoryRegionKind : byte
{
    /// <summary>Not a memory access, or never reached.</summary>
    None = 0,
    /// <summary>The stack.</summary>
    Stack = 1,
    /// <summary>The context.</summary>
    Context = 2,
    /// <summary>A map value or key.</summary>
    Map = 4,
    /// <summary>Packet data or metadata.</summary>
    Packet = 8,
    /// <summary>A memory block (input buffer, ring buffer record).</summary>
    Memory = 16,
}

/// <summary>
/// Per-instruction facts a JIT or interpreter can use: which instructions run at all, which memory
/// accesses are proven in bounds on every path (their run-time check can go), which divisions
/// have a divisor proven non-zero, and loop bounds.
/// </summary>
public sealed class VerifierFacts
{
    internal VerifierFacts(int length)
    {
        Reached = new bool[length];
        AccessInBounds = new bool[length];
        Regions = new MemoryRegionKind[length];
        DivisorNonZero = new bool[length];
    }

    /// <summary>Some path reaches the instruction.</summary>
    public bool[] Reached { get; }

    /// <summary>
    /// Per slot: a load, store or atomic that some path reaches, and that on every path the
    /// analysis explored was proven to lie inside its object (stack frame, context field, map
    /// value or key, packet range, memory block). A JIT may drop the run-time check of such an
    /// access, as long as it runs the program with what the options described: the program type's
    /// context, the maps' value sizes, and in the memory convention a buffer of at least
    /// <see cref="VerifierOptions.MemorySize"/> bytes (or of r2 bytes, when the size was left
    /// unknown). False for everything else: other instructions, the second slot of lddw,
    /// unreachable code, and legacy LD_ABS/LD_IND loads, whose bounds are checked at run time by
    /// definition. Meaningful only when the program was accepted; in an accepted program every
    /// reached access but LD_ABS/LD_IND is proven (else it would have been rejected).
    /// </summary>
    public bool[] AccessInBounds { get; }

    /// <summary>For memory accesses: which kinds of memory they touch.</summary>
    public MemoryRegionKind[] Regions { get; }

    /// <summary>For div/mod by a register: the divisor is never zero.</summary>
    public bool[] DivisorNonZero { get; }

    /// <summary>Loops and their bounds.</summary>
    public IReadOnlyList<LoopBound> Loops { get; internal set; } = [];
}

/// <summary>The verdict on a program, with the explained errors, statistics and facts.</summary>
public sealed class VerificationResult
{
    /// <summary>Whether the program is safe to run.</summary>
    public bool Accepted => Errors.Count == 0;

    /// <summary>Why it is not (empty when accepted).</summary>
    public required IReadOnlyList<VerifierError> Errors { get; init; }

    /// <summary>The work done.</summary>
    public required VerifierStats Stats { get; init; }

    /// <summary>What was proven per instruction (meaningful for accepted programs).</summary>
    public required VerifierFacts Facts { get; init; }

    /// <summary>The trace (when <see cref="VerifierOptions.TraceLog"/>): one line per processed instruction.</summary>
    public IReadOnlyList<string> Log { get; init; } = [];
}
