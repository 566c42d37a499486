using System.Text;
using SharpBpf.Core.Diagnostics;

namespace SharpBpf.Verifier;

/// <summary>One instruction of the path that led to an error, with what it did to the registers that matter.</summary>
/// <param name="Pc">The instruction.</param>
/// <param name="Text">It, in LLVM syntax.</param>
/// <param name="Note">What it did to a register that matters ("r0 = map_value_or_null(counts, id 1)"), or the branch taken; empty when nothing.</param>
/// <param name="Relevant">Whether it touched a register the error depends on.</param>
public sealed record PathStep(int Pc, string Text, string Note, bool Relevant);

/// <summary>
/// An explained rejection: where (pc and instruction), which rule was broken, in plain words and
/// with the values involved, the path of instructions that led there with the register states
/// that matter, and a hint on how to fix it.
/// </summary>
public sealed record VerifierError
{
    /// <summary>Stable id (<see cref="VerifierDiagnosticIds"/>, or a decoder id).</summary>
    public required string Id { get; init; }

    /// <summary>The failing instruction, -1 when the problem is not at one instruction.</summary>
    public int Pc { get; init; } = -1;

    /// <summary>The failing instruction in LLVM syntax.</summary>
    public string Instruction { get; init; } = "";

    /// <summary>The rule that was broken, in plain words.</summary>
    public required string Rule { get; init; }

    /// <summary>What happened here: the values involved.</summary>
    public required string Message { get; init; }

    /// <summary>How to fix it, when there is something to say.</summary>
    public string? Hint { get; init; }

    /// <summary>The path from the start of the program to the failing instruction (shortened when long).</summary>
    public IReadOnlyList<PathStep> Path { get; init; } = [];

    /// <summary>How many path instructions were left out of <see cref="Path"/>.</summary>
    public int PathElided { get; init; }

    /// <summary>The register state at the failing instruction, kernel-log style.</summary>
    public string State { get; init; } = "";

    /// <summary>Source line of the failing instruction, when BTF line info was given.</summary>
    public string? Source { get; init; }

    /// <summary>The same as a one-line diagnostic.</summary>
    public Diagnostic ToDiagnostic(string? file = null) =>
        new(Id, Message, Pc >= 0 ? SourceLocation.AtPc(Pc, file) : SourceLocation.None with { File = file });

    /// <summary>The full explanation, several lines.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        if (Pc >= 0)
            sb.Append($"error {Id} at pc {Pc}: {Instruction}\n");
        else
            sb.Append($"error {Id}\n");
        if (Source is not null)
            sb.Append($"  source: {Source}\n");
        sb.Append($"  {Message}\n");
        sb.Append($"  rule: {Rule}\n");
        if (Path.Count > 0)
        {
            sb.Append("  path:\n");
            int width = Path.Max(p => p.Text.Length);
            bool elisionShown = PathElided == 0;
            foreach (var step in Path)
            {
                if (!elisionShown && step.Pc == -1)
                {
                    sb.Append($"      ... {PathElided} instructions ...\n");
                    elisionShown = true;
                    continue;
                }
                if (step.Pc == -1)
                    continue;
                string mark = step.Pc == Pc && step == Path[^1] ? ">" : step.Relevant ? "*" : " ";
                string note = step.Note.Length == 0 ? "" : "  ; " + step.Note;
                sb.Append($"    {mark}{step.Pc,5}: {step.Text.PadRight(width)}{note}".TrimEnd()).Append('\n');
            }
        }
        if (State.Length > 0)
            sb.Append($"  state: {State}\n");
        if (Hint is not null)
            sb.Append($"  hint: {Hint}\n");
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => Pc >= 0 ? $"pc {Pc}: error {Id}: {Message}" : $"error {Id}: {Message}";
}
