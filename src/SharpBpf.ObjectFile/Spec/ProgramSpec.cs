using SharpBpf.Core;
using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.ObjectFile.Spec;

/// <summary>What a program instruction refers to, found from the object's relocations.</summary>
public enum ReferenceKind
{
    /// <summary>lddw of a map (BTF .maps or legacy maps): becomes BPF_PSEUDO_MAP_FD.</summary>
    Map,
    /// <summary>lddw of global data in .data/.rodata/.bss/...: becomes BPF_PSEUDO_MAP_VALUE.</summary>
    Data,
    /// <summary>A bpf-to-bpf call to a function in .text or the same section.</summary>
    Call,
    /// <summary>lddw of a function's address (callbacks): BPF_PSEUDO_FUNC.</summary>
    FunctionPointer,
    /// <summary>A .kconfig extern (read from the .kconfig map).</summary>
    Kconfig,
    /// <summary>A call to a kernel function (extern __ksym): BPF_PSEUDO_KFUNC_CALL.</summary>
    Kfunc,
    /// <summary>A kernel variable (extern __ksym): BPF_PSEUDO_BTF_ID.</summary>
    Ksym,
}

/// <summary>A relocated instruction of a program.</summary>
/// <param name="Instruction">Index of the slot in the program's instructions.</param>
/// <param name="Kind">What it refers to.</param>
/// <param name="Symbol">The symbol's name (map, variable, function, extern).</param>
/// <param name="Section">The section the symbol lives in (".maps", ".data", ".text", ...), or null for externs.</param>
/// <param name="Offset">For data references, the byte offset in the section; for calls, the target function's slot.</param>
public sealed record ProgramReference(int Instruction, ReferenceKind Kind, string Symbol, string? Section, long Offset);

/// <summary>A CO-RE relocation of a program, its instruction index made relative to the program.</summary>
/// <param name="Instruction">Slot index in <see cref="ProgramSpec.Instructions"/>.</param>
/// <param name="Record">The .BTF.ext record.</param>
/// <param name="AccessString">The access string ("0:1:2").</param>
public sealed record ProgramCoreRelocation(int Instruction, CoreRelocationRecord Record, string AccessString);

/// <summary>One program of an object: its code as the object has it (before any kernel-specific fix-up).</summary>
public sealed class ProgramSpec
{
    /// <summary>The function's name.</summary>
    public required string Name { get; init; }

    /// <summary>The ELF section (the SEC() name).</summary>
    public required string SectionName { get; init; }

    /// <summary>Program type from the section name.</summary>
    public required ProgramType Type { get; init; }

    /// <summary>Expected attach type, when the section implies one.</summary>
    public AttachType? AttachType { get; init; }

    /// <summary>Attach target from the section name (tracepoint "cat/name", function, ...).</summary>
    public string? AttachTarget { get; init; }

    /// <summary>Sleepable (".s" section).</summary>
    public bool Sleepable { get; init; }

    /// <summary>Byte offset of the function in its section.</summary>
    public required long SectionOffset { get; init; }

    /// <summary>
    /// The instructions: the function itself, then every sub-program it calls (transitively),
    /// with call offsets fixed up as libbpf links them.
    /// </summary>
    public required Instruction[] Instructions { get; init; }

    /// <summary>Number of slots of the function itself (before appended sub-programs).</summary>
    public required int OwnLength { get; init; }

    /// <summary>Sub-programs appended, with the slot where each starts.</summary>
    public required IReadOnlyList<(string Name, int Start)> SubPrograms { get; init; }

    /// <summary>Relocated instructions: maps, data, calls, externs.</summary>
    public required IReadOnlyList<ProgramReference> References { get; init; }

    /// <summary>BTF func_info records, offsets in slots of <see cref="Instructions"/>.</summary>
    public IReadOnlyList<BtfFuncInfo> FuncInfos { get; init; } = [];

    /// <summary>BTF line_info records, offsets in slots of <see cref="Instructions"/>.</summary>
    public IReadOnlyList<BtfLineInfo> LineInfos { get; init; } = [];

    /// <summary>CO-RE relocations.</summary>
    public IReadOnlyList<ProgramCoreRelocation> CoreRelocations { get; init; } = [];

    /// <summary>The object's license.</summary>
    public string License { get; init; } = "";

    /// <summary>Whether the function is global (STB_GLOBAL).</summary>
    public bool IsGlobal { get; init; }
}
