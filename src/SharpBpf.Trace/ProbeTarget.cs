using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Syntax;

namespace SharpBpf.Trace;

/// <summary>One concrete place a probe attaches (wildcards expanded): <c>tracepoint:syscalls:sys_enter_openat</c>.</summary>
/// <param name="Probe">The probe.</param>
/// <param name="Point">The attach point, with concrete parts.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Id">Its index among all targets (what the <c>probe</c> builtin yields).</param>
public sealed record ProbeTarget(Probe Probe, AttachPoint Point, ProbeKind Kind, int Id)
{
    /// <summary>The name bpftrace prints for <c>probe</c>: provider and parts joined by colons.</summary>
    public string FullName => Point.Parts.Count == 0 ? Point.Provider : Point.Provider + ":" + string.Join(":", Point.Parts);
}
