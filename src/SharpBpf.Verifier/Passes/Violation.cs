namespace SharpBpf.Verifier.Passes;

/// <summary>A rule broken by a state at an instruction, before it is turned into an explained error.</summary>
/// <param name="Id">The diagnostic id.</param>
/// <param name="Rule">The rule, in plain words.</param>
/// <param name="Message">What is wrong here, with the values.</param>
/// <param name="Hint">How to fix it.</param>
/// <param name="Registers">The registers the error is about: the path shows where their values came from.</param>
internal sealed record Violation(string Id, string Rule, string Message, string? Hint, params int[] Registers);
