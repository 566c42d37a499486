namespace SharpBpf.Linux.Attach;

/// <summary>Options of <see cref="Link.Tcx"/>.</summary>
public sealed class TcxOptions
{
    /// <summary>Where the program goes among those on the hook; null appends it.</summary>
    public Anchor? Anchor { get; init; }

    /// <summary>Fail with ESTALE unless the hook's revision is this one (0: no check).</summary>
    public ulong ExpectedRevision { get; init; }
}
