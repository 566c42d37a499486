using SharpBpf.Core;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

/// <summary>
/// The probes themselves: each asks the kernel once (or a few times) and classifies the answer.
/// Uncached; <see cref="KernelFeatures"/> caches and combines them.
/// </summary>
internal static partial class Probes
{
    /// <summary>Room for the verifier's level-1 log of a probe program (a few instructions).</summary>
    public const int LogSize = 4096;

    /// <summary>The program type probe.</summary>
    public static FeatureProbeResult ProgramType(ProgramType type)
    {
        var recipe = ProbePrograms.ForType(type);
        Span<byte> log = stackalloc byte[LogSize];
        int fd = Load(type, ProbePrograms.ReturnZero, recipe.Attributes, log, out var errno);
        Close(fd);
        var (status, detail) = ClassifyTypeLoad(fd, errno, log, recipe.ExpectedErrno, recipe.ExpectedLog);
        string name = FeatureCatalog.NameOf(type);
        return new FeatureProbeResult(FeatureKind.ProgramType, name, "program type " + name, status,
            "BPF_PROG_LOAD of " + recipe.Description + (recipe.ExpectedErrno == Errno.None ? ""
                : $"; the kernel's {recipe.ExpectedErrno}{(recipe.ExpectedLog is null ? "" : $" \"{recipe.ExpectedLog}\"")} proves the type"),
            detail, fd >= 0 ? Errno.None : errno, FeatureRequirements.Of(type));
    }

    /// <summary>
    /// Classifies a load that probes a program type: loaded, or the answer that proves the type,
    /// or a verifier complaint (the verifier runs only for a type the kernel knows) mean supported;
    /// EPERM to a privileged caller means refused; EINVAL without a word means unknown type.
    /// </summary>
    internal static (FeatureStatus Status, string? Detail) ClassifyTypeLoad(int fd, Errno errno, ReadOnlySpan<byte> log,
        Errno expectedErrno, string? expectedLog)
    {
        if (fd >= 0)
            return (FeatureStatus.Supported, null);
        if (expectedErrno != Errno.None && errno == expectedErrno &&
            (expectedLog is null || LogContains(log, System.Text.Encoding.UTF8.GetBytes(expectedLog))))
            return (FeatureStatus.Supported, null);
        string? reason = LogReason(log);
        return errno switch
        {
            Errno.EPERM => (FeatureStatus.Denied, Refused),
            Errno.EINVAL or Errno.EACCES when reason is not null =>
                (FeatureStatus.Supported, $"the verifier ran (the kernel knows the type) but rejected the probe program: {reason}"),
            Errno.EINVAL => (FeatureStatus.NotSupported, Describe(errno) + (reason is null ? "" : ": " + reason)),
            Errno.E2BIG => (FeatureStatus.NotSupported, Describe(errno) + ": the kernel does not know attributes the probe sets"),
            Errno.ENOTSUPP or Errno.EOPNOTSUPP => (FeatureStatus.NotSupported, Describe(errno)),
            _ => (FeatureStatus.Unknown, Describe(errno) + (reason is null ? "" : ": " + reason)),
        };
    }

    internal const string Refused = "EPERM after the kernel's own type checks: the kernel has it but does not permit it here (a security policy, a sandbox, or a missing capability)";

    internal static string Describe(Errno errno) => BpfException.Describe(errno);

    /// <summary>The bpf() syscall probe (bpftool's probe_bpf_syscall): anything but ENOSYS means bpf(2) exists.</summary>
    public static bool HaveBpfSyscall()
    {
        var attr = default(Native.ProgLoadAttr);
        int fd = Call(Native.BpfCommand.ProgLoad, ref attr, out var errno);
        Close(fd);
        return errno != Errno.ENOSYS;
    }
}
