using SharpBpf.Core;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

/// <summary>
/// How to load a minimal program of each type, after libbpf's probe_prog_load
/// (src/libbpf_probes.c): the expected attach type the kernel's bpf_prog_load_check_attach
/// insists on, kern_version for kprobes before 5.0, BPF_F_SLEEPABLE for syscall programs; and for
/// the types that need an attach target, the kernel answer that proves the type exists.
/// </summary>
internal static class ProbePrograms
{
    /// <summary>A way to load a program of one type: attributes, and an error that counts as "the kernel knows the type".</summary>
    public sealed record Recipe(LoadAttributes Attributes, string Description, Errno ExpectedErrno = Errno.None, string? ExpectedLog = null);

    /// <summary>r0 = 0; exit.</summary>
    public static readonly Instruction[] ReturnZero = [MovImm(0, 0), Exit];

    // LINUX_VERSION_CODE of the running kernel (include/generated/uapi/linux/version.h): checked
    // against kern_version for kprobes before 5.0 (commit 6c4fc209fcf9 dropped the check).
    internal static uint KernelVersionCode
    {
        get
        {
            var v = LinuxKernel.Version;
            return (uint)((v.Major << 16) + (v.Minor << 8) + Math.Min(Math.Max(v.Build, 0), 255));
        }
    }

    /// <summary>The recipe of the program type probe (libbpf_probe_bpf_prog_type).</summary>
    public static Recipe ForType(ProgramType type) => type switch
    {
        ProgramType.CgroupSockAddr => Attach(AttachType.CgroupInet4Connect),
        ProgramType.CgroupSockopt => Attach(AttachType.CgroupGetsockopt),
        ProgramType.SkLookup => Attach(AttachType.SkLookup),
        ProgramType.LircMode2 => Attach(AttachType.LircMode2),
        ProgramType.Netfilter => Attach(AttachType.Netfilter),
        ProgramType.Kprobe => new(new LoadAttributes(KernelVersion: KernelVersionCode), "r0 = 0; exit with kern_version"),
        ProgramType.Syscall => new(new LoadAttributes(Flags: FlagSleepable), "r0 = 0; exit with BPF_F_SLEEPABLE"),
        // libbpf probes tracing with fentry; raw_tp BTF (tp_btf) is as old (5.5) and is not a
        // trampoline, which some kernels refuse by policy. Target id 1 is never a tracepoint
        // typedef: the verifier's complaint about it (check_attach_btf_id) proves the type.
        ProgramType.Tracing => new(new LoadAttributes((uint)AttachType.TraceRawTp, AttachBtfId: 1),
            "r0 = 0; exit as BPF_TRACE_RAW_TP with attach_btf_id 1", Errno.EINVAL, "attach_btf_id 1 is not a typedef"),
        ProgramType.Lsm => new(new LoadAttributes((uint)AttachType.LsmMac, AttachBtfId: 1),
            "r0 = 0; exit as BPF_LSM_MAC with attach_btf_id 1", Errno.EINVAL, "attach_btf_id 1 is not a function"),
        ProgramType.Ext => new(new LoadAttributes(AttachBtfId: 1),
            "r0 = 0; exit with attach_btf_id 1 and no target program", Errno.EINVAL, "Cannot replace kernel functions"),
        // check_struct_ops_btf_id: no attach_btf_id is ENOTSUPP, only from a kernel with struct_ops.
        ProgramType.StructOps => new(default, "r0 = 0; exit without a struct_ops member", Errno.ENOTSUPP),
        _ => new(default, "r0 = 0; exit"),
    };

    /// <summary>
    /// The recipe of helper probes for a type: the type's own, except that tracing, lsm and
    /// struct_ops programs get a real attach target from vmlinux BTF (the verifier checks calls
    /// only after it accepted the target). Null when no program of the type can be loaded here.
    /// </summary>
    public static Recipe? ForHelpers(ProgramType type, out string? problem)
    {
        problem = null;
        switch (type)
        {
            case ProgramType.Tracing or ProgramType.Lsm or ProgramType.StructOps:
                var targets = VmlinuxTargets.Current;
                (uint id, string what) = type switch
                {
                    ProgramType.Tracing => (targets.Tracepoint, "BPF_TRACE_RAW_TP on " + VmlinuxTargets.TracepointTypedef),
                    ProgramType.Lsm => (targets.LsmHookId, "BPF_LSM_MAC on " + VmlinuxTargets.LsmHook),
                    _ => (targets.StructOpsMemberIndex < 0 ? 0 : targets.StructOpsId,
                        $"{VmlinuxTargets.StructOpsType}.{VmlinuxTargets.StructOpsMember}"),
                };
                if (id == 0)
                {
                    problem = targets.Problem ?? $"vmlinux BTF has no target for {FeatureCatalog.NameOf(type)} programs ({what})";
                    return null;
                }
                uint expected = type switch
                {
                    ProgramType.Tracing => (uint)AttachType.TraceRawTp,
                    ProgramType.Lsm => (uint)AttachType.LsmMac,
                    _ => (uint)targets.StructOpsMemberIndex,
                };
                return new Recipe(new LoadAttributes(expected, AttachBtfId: id), what);
            case ProgramType.Ext:
                problem = "an ext program replaces a function of a loaded BPF program with BTF; there is no kernel target to probe with";
                return null;
            default:
                return ForType(type);
        }
    }

    private static Recipe Attach(AttachType attach) =>
        new(new LoadAttributes((uint)attach), "r0 = 0; exit with expected_attach_type BPF_" + FeatureCatalog.NameOf(attach).ToUpperInvariant());
}
