using SharpBpf.Core;
using SharpBpf.ObjectFile.Spec;

namespace SharpBpf.Verifier.Agreement;

/// <summary>
/// One program of the agreement corpus, as both verifiers see it: the same instructions, program
/// type and maps (or one program of an object, loaded as libbpf would), and SharpBpf's options
/// for a privileged loader, since the kernel side loads as root.
/// </summary>
public sealed record AgreementCase
{
    /// <summary>Unique name: corpus and file (and program, for objects): <c>conformance/add.data</c>, <c>objects/maps.o:xdp_count</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Where it comes from: conformance, negative, objects, bench, cases, generated.</summary>
    public required string Group { get; init; }

    /// <summary>The instructions (for raw programs; map fds are map indices).</summary>
    public Instruction[] Program { get; init; } = [];

    /// <summary>The program type both load it as.</summary>
    public ProgramType Type { get; init; }

    /// <summary>The expected attach type, if any.</summary>
    public AttachType? AttachType { get; init; }

    /// <summary>The maps <c>lddw rX, map_fd i</c> names (index i).</summary>
    public IReadOnlyList<MapSpec> Maps { get; init; } = [];

    /// <summary>For a program of an object: the object, loaded by the collection loader.</summary>
    public CollectionSpec? Collection { get; init; }

    /// <summary>For a program of an object: its name.</summary>
    public string? ProgramName { get; init; }

    /// <summary>SharpBpf's options.</summary>
    public required VerifierOptions Options { get; init; }

    /// <summary>Slots in front of the original program (the memory convention's prolog), for reading instruction numbers.</summary>
    public int PrologLength { get; init; }

    /// <summary>What the case's author meant: accepted (a fixed twin, or allowed to root) or rejected (a bug); null when not said.</summary>
    public bool? ExpectAccepted { get; init; }

    /// <summary>What a generated case shows, when not obvious from its name.</summary>
    public string? Note { get; init; }

    /// <summary>Runs SharpBpf's verifier on the case.</summary>
    public VerificationResult VerifyOurs() =>
        Collection is { } c ? Verifier.Verify(c.Programs[ProgramName!], c, Options) : Verifier.Verify(Program, Options);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
