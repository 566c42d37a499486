namespace SharpBpf.Runtime.Jit;

/// <summary>How <see cref="BpfJit"/> compiles a program.</summary>
public sealed class JitOptions
{
    /// <summary>
    /// Per instruction slot: the verifier proved this load or store in bounds (and, for stores,
    /// writable), so the compiled code translates its address without checking it. Slots that are
    /// not plain loads, stores or atomics are ignored. Null: check everything.
    /// </summary>
    public bool[]? ProvenAccesses { get; init; }

    /// <summary>Use BMI2 (shlx/shrx/sarx) when the CPU has it; tests turn it off to cover the other path.</summary>
    internal bool? UseBmi2 { get; init; }

    /// <summary>Fail as a process that may not map executable memory would; for tests of the fallback.</summary>
    internal bool DenyExecutableMemory { get; init; }
}
