using SharpBpf.Core;
using SharpBpf.Verifier;
using VerifierRegion = SharpBpf.Verifier.MemoryRegionKind;

namespace SharpBpf.Runtime.Jit;

/// <summary>How <see cref="BpfJit"/> compiles a program.</summary>
public sealed record JitOptions
{
    /// <summary>
    /// Per instruction slot: the verifier proved this load or store in bounds (and, for stores,
    /// writable), so the compiled code translates its address without checking it. Slots that are
    /// not plain loads, stores or atomics are ignored. Null: check everything.
    /// </summary>
    public bool[]? ProvenAccesses { get; init; }

    /// <summary>Per instruction slot: the region a proven access goes to (null: any).</summary>
    public ProvenRegion[]? ProvenRegions { get; init; }

    /// <summary>
    /// The proofs assume the memory convention's buffer: r1 is byte 0 of a writable region of at
    /// least r2 bytes (exactly <see cref="BufferSize"/> bytes with r2 = that size, when set). Runs
    /// that do not meet it run a copy of the program compiled with every check.
    /// </summary>
    public bool AssumesBuffer { get; init; }

    /// <summary>With <see cref="AssumesBuffer"/>: the buffer size the proofs were made for (the verifier's <see cref="VerifierOptions.MemorySize"/>).</summary>
    public int? BufferSize { get; init; }

    /// <summary>Fold constants: instructions whose operands are known at compile time emit no code (the tests compare both ways).</summary>
    public bool FoldConstants { get; init; } = true;

    /// <summary>Use BMI2 (shlx/shrx/sarx) when the CPU has it; tests turn it off to cover the other path.</summary>
    internal bool? UseBmi2 { get; init; }

    /// <summary>Fail as a process that may not map executable memory would; for tests of the fallback.</summary>
    internal bool DenyExecutableMemory { get; init; }

    private static bool CallsHelpers(ReadOnlySpan<Instruction> program)
    {
        foreach (var insn in program)
        {
            if (OpcodeTable.KindOf(insn.Opcode) is InstructionKind.CallX
                || (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Call && insn.Src != (int)CallSource.Local))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Options that drop the checks <paramref name="result"/> proved unnecessary: accesses to the
    /// stack and to the memory convention's buffer proven in bounds on every path. Accesses to
    /// other memory (map values, context, packet) keep their checks: their layout at run time is
    /// the host's, not the verifier's model.
    /// </summary>
    /// <exception cref="ArgumentException">The verifier rejected the program, or verified another one.</exception>
    public static JitOptions FromVerification(ReadOnlySpan<Instruction> program, VerificationResult result, VerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        if (!result.Accepted)
            throw new ArgumentException($"the verifier rejected the program: {result.Errors[0].Message}", nameof(result));
        var facts = result.Facts;
        if (facts.AccessInBounds.Length != program.Length)
            throw new ArgumentException("the verification result is for a program of another length", nameof(result));
        // The verifier's "memory" is also a ring buffer record: only programs that call no
        // helper can hold nothing but the input buffer there.
        bool buffer = options.ProgramType == ProgramType.Unspec && !CallsHelpers(program);
        var proven = new bool[facts.AccessInBounds.Length];
        var regions = new ProvenRegion[proven.Length];
        bool usesBuffer = false;
        for (int pc = 0; pc < proven.Length; pc++)
        {
            if (!facts.AccessInBounds[pc] || !facts.Reached[pc])
                continue;
            var kind = facts.Regions[pc];
            if (kind == VerifierRegion.Stack)
            {
                regions[pc] = ProvenRegion.Stack;
            }
            else if (kind == VerifierRegion.Memory && buffer)
            {
                regions[pc] = ProvenRegion.Buffer;
                usesBuffer = true;
            }
            else if (kind == (VerifierRegion.Stack | VerifierRegion.Memory) && buffer)
            {
                usesBuffer = true;
            }
            else
            {
                continue;
            }
            proven[pc] = true;
        }
        return new JitOptions
        {
            ProvenAccesses = proven,
            ProvenRegions = regions,
            AssumesBuffer = usesBuffer,
            BufferSize = usesBuffer ? options.MemorySize : null,
        };
    }
}
