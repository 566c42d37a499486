using SharpBpf.Core;

namespace SharpBpf.Verifier;

/// <summary>What a program is verified as, and the verifier's limits.</summary>
public sealed record VerifierOptions
{
    /// <summary>
    /// The program type, which fixes the context (r1), the helpers allowed and the return values
    /// allowed. <see cref="ProgramType.Unspec"/> is the memory+length convention of uBPF and
    /// bpf_conformance: r1 points to a buffer of r2 bytes, any scalar may be returned.
    /// </summary>
    public ProgramType ProgramType { get; init; } = ProgramType.Unspec;

    /// <summary>The expected attach type (cgroup_skb egress allows return values 0-3).</summary>
    public AttachType? ExpectedAttachType { get; init; }

    /// <summary>
    /// The memory+length convention: the buffer's length when known (then r2 is that constant).
    /// When null, r2 is the length, whatever it is, and the comparisons on r2 tell how much of the
    /// buffer can be read, as comparisons with packet end do for packets.
    /// </summary>
    public int? MemorySize { get; init; }

    /// <summary>The maps <c>lddw</c> can name: by <see cref="MapDefinition.Fd"/> (src 1) or by index (src 5, 6).</summary>
    public IReadOnlyList<MapDefinition> Maps { get; init; } = [];

    /// <summary>
    /// Verify as the kernel does for a privileged loader (CAP_BPF + CAP_PERFMON): pointers may be
    /// stored in maps, returned, compared and subtracted, and uninitialised stack may be read.
    /// The default is the strict rules: no value that holds a kernel address may leave the program.
    /// </summary>
    public bool Privileged { get; init; }

    /// <summary>Instructions the analysis may process before giving up (the kernel's BPF_COMPLEXITY_LIMIT_INSNS).</summary>
    public int MaxProcessedInstructions { get; init; } = 1_000_000;

    /// <summary>
    /// The most iterations a loop may be proven to run for each time it is entered; a loop whose
    /// bound cannot be shown to be at most this is rejected as possibly unbounded.
    /// </summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>
    /// States of the same kind kept apart at a loop head before they are widened into one: a loop
    /// whose iterations all fit in this many is explored exactly, like the kernel does.
    /// </summary>
    public int LoopUnroll { get; init; } = 64;

    /// <summary>States kept per instruction before new ones are merged into them.</summary>
    public int MaxStatesPerInstruction { get; init; } = 64;

    /// <summary>Stop after this many distinct errors.</summary>
    public int MaxErrors { get; init; } = 1;

    /// <summary>Source text per instruction (from BTF line info), quoted in explanations; null if none.</summary>
    public IReadOnlyDictionary<int, string>? SourceLines { get; init; }

    /// <summary>Sub-program names by their first instruction, for messages.</summary>
    public IReadOnlyDictionary<int, string>? FunctionNames { get; init; }

    /// <summary>Record every processed instruction with its state (the kernel's log_level 2); slow.</summary>
    public bool TraceLog { get; init; }
}
