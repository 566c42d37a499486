namespace SharpBpf.Core.Diagnostics;

/// <summary>
/// A problem found in user input: a stable id, a message, and where it is (pc, file offset or
/// line:column). Rendered as <c>where: error ID: message</c>.
/// </summary>
/// <param name="Id">Stable identifier, e.g. <c>BPF0003</c>; see <see cref="DiagnosticIds"/>.</param>
/// <param name="Message">What went wrong, in one line.</param>
/// <param name="Location">Where it went wrong.</param>
public sealed record Diagnostic(string Id, string Message, SourceLocation Location)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Location.ToString();
        return where.Length == 0 ? $"error {Id}: {Message}" : $"{where}: error {Id}: {Message}";
    }
}
