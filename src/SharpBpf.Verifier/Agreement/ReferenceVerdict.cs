namespace SharpBpf.Verifier.Agreement;

/// <summary>What another verifier (the kernel's) said about a program: the verdict, its reason and the instruction.</summary>
/// <param name="Accepted">Whether it accepted the program.</param>
/// <param name="Reason">Its error line when it rejected the program.</param>
/// <param name="Pc">The instruction it stopped at (in the program as loaded, prolog included), when it names one.</param>
public sealed record ReferenceVerdict(bool Accepted, string? Reason = null, int? Pc = null);
