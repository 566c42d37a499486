using SharpBpf.Verifier;

namespace SharpBpf.Runtime.Hooks;

/// <summary>The verifier rejected a program, so it was not loaded (or attached): the first error, explained.</summary>
public sealed class ProgramRejectedException : Exception
{
    /// <summary>A rejection of <paramref name="program"/>.</summary>
    public ProgramRejectedException(string program, VerificationResult result)
        : base($"program '{program}' rejected by the verifier:{Environment.NewLine}{result.Errors[0].Explain()}")
    {
        Program = program;
        Result = result;
    }

    /// <summary>The program's name.</summary>
    public string Program { get; }

    /// <summary>The verdict with every error.</summary>
    public VerificationResult Result { get; }
}
