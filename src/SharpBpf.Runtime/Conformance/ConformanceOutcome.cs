namespace SharpBpf.Runtime.Conformance;

/// <summary>How one conformance file ended.</summary>
public enum ConformanceOutcome
{
    /// <summary>The expected result (or expected rejection) was seen.</summary>
    Passed,
    /// <summary>Anything else, including text that does not assemble or a program that does not load.</summary>
    Failed,
    /// <summary>The file is not a runnable test (upstream's skip rules: no result/error, no code, unknown directive).</summary>
    Skipped,
}

/// <summary>The result of one conformance file.</summary>
/// <param name="File">The path.</param>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Reason">Why it failed or was skipped; null when it passed.</param>
public sealed record ConformanceResult(string File, ConformanceOutcome Outcome, string? Reason);
