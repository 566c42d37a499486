namespace SharpBpf.Core.Assembly;

/// <summary>An assembly error at a line and column; turned into a diagnostic by the assembler.</summary>
internal sealed class AsmException(string message, int line, int column, string id = Diagnostics.DiagnosticIds.AsmSyntax)
    : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Id { get; } = id;
}
