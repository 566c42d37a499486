namespace SharpBpf.Runtime.Jit;

/// <summary>Where a verifier-proven access goes, so the JIT can translate it with one add.</summary>
public enum ProvenRegion : byte
{
    /// <summary>Unknown, or more than one kind: translated through the region table.</summary>
    Any = 0,
    /// <summary>The stack (through any pointer into it).</summary>
    Stack = 1,
    /// <summary>The input buffer of the memory convention (r1, r2 bytes).</summary>
    Buffer = 2,
}
