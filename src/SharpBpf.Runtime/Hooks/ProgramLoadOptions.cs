using SharpBpf.Core;
using SharpBpf.Runtime.Jit;
using SharpBpf.Runtime.Maps;

namespace SharpBpf.Runtime.Hooks;

/// <summary>How <see cref="LoadedProgram.Load"/> prepares a program.</summary>
public sealed record ProgramLoadOptions
{
    /// <summary>The program's name (for messages).</summary>
    public string Name { get; init; } = "prog";

    /// <summary>The program type: the context r1 points to, the helpers allowed (as the verifier checks them).</summary>
    public ProgramType Type { get; init; } = ProgramType.Unspec;

    /// <summary>The expected attach type, when the type has several.</summary>
    public AttachType? AttachType { get; init; }

    /// <summary>The maps <c>lddw</c> names: src 1 (map fd) and src 5 (map index) take the index in this list as the "fd"; src 2 and 6 point into its values.</summary>
    public IReadOnlyList<UserMap> Maps { get; init; } = [];

    /// <summary>The helpers; default <see cref="Helpers.StandardHelpers.Create"/>.</summary>
    public HelperRegistry? Helpers { get; init; }

    /// <summary>The engine; the JIT falls back to the interpreter where it cannot run.</summary>
    public EngineKind Engine { get; init; } = EngineKind.Interpreter;

    /// <summary>
    /// Verify before loading (the default); a rejected program is not loaded. Unverified programs
    /// still run memory-safely (every access is checked) but hooks refuse them, and program
    /// types whose context must be translated (XDP) need the verifier's facts.
    /// </summary>
    public bool Verify { get; init; } = true;

    /// <summary>Verify with the kernel's privileged rules (pointer leaks allowed).</summary>
    public bool Privileged { get; init; }

    /// <summary>
    /// Let the JIT skip the bounds checks of accesses the verifier proved in bounds (the kernel's
    /// model). Off by default: every access stays checked, so a verifier bug cannot reach host memory.
    /// </summary>
    public bool TrustVerifier { get; init; }

    /// <summary>Instructions one run may execute (each tail call and callback gets its own budget).</summary>
    public long InstructionBudget { get; init; } = 1_000_000_000;
}
