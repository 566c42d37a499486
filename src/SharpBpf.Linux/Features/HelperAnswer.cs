namespace SharpBpf.Linux.Features;

/// <summary>What the verifier said about one helper call.</summary>
internal enum HelperAnswer : byte
{
    /// <summary>Not asked yet.</summary>
    Unprobed,
    /// <summary>The call passed (or failed on its arguments): the program type may call the helper.</summary>
    Supported,
    /// <summary>"program of this type cannot use helper" / "unknown func": the kernel has it, this type may not call it.</summary>
    NotAllowed,
    /// <summary>"invalid func unknown#N": the kernel does not know the helper at all.</summary>
    UnknownToKernel,
    /// <summary>The load failed before the verifier looked at the call.</summary>
    Undetermined,
}
