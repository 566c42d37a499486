namespace SharpBpf.Runtime.Conformance;

/// <summary>
/// What an engine outside this library (the kernel) made of a conformance program: its r0, or
/// why it did not run it (a verifier's rejection).
/// </summary>
/// <param name="ReturnValue">r0 at exit, when it ran.</param>
/// <param name="SkipReason">Why it did not run the program (then the test is skipped).</param>
public sealed record ExternalRun(ulong ReturnValue, string? SkipReason = null);
