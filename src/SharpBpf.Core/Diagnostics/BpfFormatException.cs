namespace SharpBpf.Core.Diagnostics;

/// <summary>Thrown by the throwing counterparts of the <c>Try</c> APIs; carries the diagnostic.</summary>
public sealed class BpfFormatException : Exception
{
    /// <summary>Wraps a diagnostic.</summary>
    public BpfFormatException(Diagnostic diagnostic) : base(diagnostic.ToString()) => Diagnostic = diagnostic;

    /// <summary>The problem.</summary>
    public Diagnostic Diagnostic { get; }
}
