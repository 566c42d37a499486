namespace SharpBpf.Runtime;

/// <summary>A helper function: receives r1-r5, returns r0.</summary>
public delegate ulong BpfHelper(HelperContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
