using SharpBpf.Trace.CodeGen;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Semantics;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace;

/// <summary>A script through every pass up to bytecode: the tree, the types, the resources and the programs with their targets.</summary>
public sealed class CompiledScript
{
    /// <summary>The parsed script.</summary>
    public required ScriptAst Ast { get; init; }

    /// <summary>Semantic analysis' result.</summary>
    public required SemanticAnalyzer.Result Semantics { get; init; }

    /// <summary>The resource plan.</summary>
    public required ResourcePlan Plan { get; init; }

    /// <summary>Every concrete attach target, in script order.</summary>
    public required IReadOnlyList<ProbeTarget> Targets { get; init; }

    /// <summary>Warnings to print before running (bpftrace prints them as it compiles).</summary>
    public IReadOnlyList<TraceDiagnostic> Warnings { get; init; } = [];

    /// <summary>The programs, each with the targets it attaches to.</summary>
    public required IReadOnlyList<(ProgramCode Code, IReadOnlyList<ProbeTarget> Targets)> Programs { get; init; }
}
