namespace SharpBpf.Core.Formatting;

/// <summary>Renders one instruction as text in some assembly syntax.</summary>
public interface IInstructionFormatter
{
    /// <summary>
    /// Formats the instruction at <paramref name="pc"/>; lddw reads the next slot too. An
    /// undefined instruction is rendered as a <c>.quad</c> directive so that the text still
    /// assembles to the same bytes.
    /// </summary>
    string Format(ReadOnlySpan<Instruction> program, int pc);
}
