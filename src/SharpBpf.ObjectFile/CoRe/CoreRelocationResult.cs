using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.CoRe;

/// <summary>One CO-RE relocation of a program resolved against a target BTF.</summary>
public sealed record CoreRelocationResult
{
    /// <summary>The program whose instruction this is.</summary>
    public required string Program { get; init; }

    /// <summary>The section of the .BTF.ext record (the program's, or .text for a sub-program's code).</summary>
    public required string Section { get; init; }

    /// <summary>The record's index in its section: libbpf's "relo #N".</summary>
    public required int Index { get; init; }

    /// <summary>The instruction's slot in <see cref="Spec.ProgramSpec.Instructions"/>.</summary>
    public required int Instruction { get; init; }

    /// <summary>What is computed.</summary>
    public required CoreRelocationKind Kind { get; init; }

    /// <summary>The local root type (in the object's BTF).</summary>
    public required BtfTypeId LocalTypeId { get; init; }

    /// <summary>The local root type in C terms (<c>struct task_struct___local</c>).</summary>
    public required string LocalType { get; init; }

    /// <summary>The raw access string ("0:1").</summary>
    public required string AccessString { get; init; }

    /// <summary>
    /// The access in C terms: <c>struct task_struct___local.pid</c>, <c>struct mm_struct.__anon.total_vm</c>,
    /// <c>enum pid_type::PIDTYPE_MAX</c>, or the type alone for type relocations.
    /// </summary>
    public required string LocalAccess { get; init; }

    /// <summary>The value clang compiled into the instruction (immediate, offset or 64-bit immediate).</summary>
    public required ulong LocalValue { get; init; }

    /// <summary>What became of the relocation.</summary>
    public required CoreOutcome Outcome { get; init; }

    /// <summary>The value for the target (for <see cref="CoreOutcome.Relocated"/> and <see cref="CoreOutcome.NotFound"/>).</summary>
    public ulong? TargetValue { get; init; }

    /// <summary>The matching target type (void when none matched).</summary>
    public BtfTypeId TargetTypeId { get; init; }

    /// <summary>The matching target type in C terms, or null.</summary>
    public string? TargetType { get; init; }

    /// <summary>The access on the target in C terms (<c>struct task_struct.pid</c>), or null.</summary>
    public string? TargetAccess { get; init; }

    /// <summary>The target access as raw indices ("0:92"; "0:0:32" when it goes through an anonymous member), or null.</summary>
    public string? TargetAccessString { get; init; }

    /// <summary>Why nothing matched, why the instruction is poisoned, or what failed.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Target types tried: those with the local type's essential name and a compatible kind,
    /// less those that earlier relocations of the same local type ruled out (libbpf's cache).
    /// </summary>
    public int Candidates { get; init; }

    /// <summary>Which part of the instruction changes.</summary>
    public CorePatchKind Patch { get; init; }

    /// <summary>For an LDX/ST/STX whose field changed size: the new access size in bytes (else null).</summary>
    public int? AccessSize { get; init; }

    /// <summary>The patched instruction (two slots for lddw); empty when the relocation failed.</summary>
    public IReadOnlyList<Instruction> Patched { get; init; } = [];

    /// <summary>Whether libbpf would refuse to load the object because of this relocation.</summary>
    public bool IsError => Outcome is CoreOutcome.Ambiguous or CoreOutcome.Failed;
}
