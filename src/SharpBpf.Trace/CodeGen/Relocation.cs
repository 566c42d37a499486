namespace SharpBpf.Trace.CodeGen;

/// <summary>What a relocated lddw needs filled in before the program is loaded.</summary>
public enum RelocationKind
{
    /// <summary>A map's fd (lddw src=BPF_PSEUDO_MAP_FD); <see cref="Relocation.Index"/> is the map's index in the plan.</summary>
    Map,
    /// <summary>The session's start time in ns (CLOCK_MONOTONIC) for <c>elapsed</c>.</summary>
    StartTime,
    /// <summary>The process id of <c>-c</c>'s command, for <c>cpid</c>.</summary>
    ChildPid,
}

/// <summary>A constant the loader fills in.</summary>
public readonly record struct Relocation(RelocationKind Kind, int Index);
