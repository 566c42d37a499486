using SharpBpf.ObjectFile.Btf;

namespace SharpBpf.Linux.Features;

/// <summary>
/// Attach targets in the kernel's own BTF (/sys/kernel/btf/vmlinux) for the program types that
/// cannot load without one: a raw tracepoint typedef for tracing (tp_btf), an LSM hook for lsm, a
/// struct_ops member for struct_ops. Found in one pass over the types; null when the kernel has
/// no BTF (CONFIG_DEBUG_INFO_BTF unset) or lacks the type.
/// </summary>
internal sealed class VmlinuxTargets
{
    public const string Path = "/sys/kernel/btf/vmlinux";

    // Stable, always-built targets: the sched_switch tracepoint, the file_open LSM hook (the
    // first one bpf_lsm lists), and TCP congestion control's cwnd_event (kernel/bpf/bpf_struct_ops
    // via net/ipv4/bpf_tcp_ca.c), a void member any program may implement.
    public const string TracepointTypedef = "btf_trace_sched_switch";
    public const string LsmHook = "bpf_lsm_file_open";
    public const string StructOpsType = "tcp_congestion_ops";
    public const string StructOpsMember = "cwnd_event";

    private static readonly Lazy<VmlinuxTargets> CurrentValue = new(Find);

    private VmlinuxTargets(uint tracepoint, uint lsmHook, uint structOps, int structOpsMember, string? problem, uint syscallWrapper = 0)
    {
        SyscallWrapperId = syscallWrapper;
        Tracepoint = tracepoint;
        LsmHookId = lsmHook;
        StructOpsId = structOps;
        StructOpsMemberIndex = structOpsMember;
        Problem = problem;
    }

    /// <summary>The running kernel's targets (found once per process).</summary>
    public static VmlinuxTargets Current => CurrentValue.Value;

    /// <summary>Type id of <see cref="TracepointTypedef"/>, or 0.</summary>
    public uint Tracepoint { get; }

    /// <summary>Type id of the FUNC <see cref="LsmHook"/>, or 0.</summary>
    public uint LsmHookId { get; }

    /// <summary>Type id of the STRUCT <see cref="StructOpsType"/>, or 0.</summary>
    public uint StructOpsId { get; }

    /// <summary>Index of <see cref="StructOpsMember"/> in it (the expected_attach_type of its programs), or -1.</summary>
    public int StructOpsMemberIndex { get; }

    /// <summary>Type id of the FUNC <see cref="SyscallWrapperName"/> (the arch's wrapper of bpf(2)), or 0.</summary>
    public uint SyscallWrapperId { get; }

    /// <summary>The name bpf(2)'s entry point has when syscalls go through arch wrappers (libbpf's arch_specific_syscall_pfx), or null.</summary>
    public static string? SyscallWrapperName { get; } = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "__x64_sys_bpf",
        System.Runtime.InteropServices.Architecture.Arm64 => "__arm64_sys_bpf",
        System.Runtime.InteropServices.Architecture.S390x => "__s390x_sys_bpf",
        System.Runtime.InteropServices.Architecture.RiscV64 => "__riscv_sys_bpf",
        System.Runtime.InteropServices.Architecture.LoongArch64 => "__loongarch_sys_bpf",
        _ => null,
    };

    /// <summary>Why targets are missing (no vmlinux BTF), or null.</summary>
    public string? Problem { get; }

    // sysfs hands out a bin attribute a page per read(2): 1500 calls for vmlinux's 6 MB. The
    // kernel's BTF object (BPF_BTF_GET_NEXT_ID, usually id 1) gives the same bytes in one
    // BPF_OBJ_GET_INFO_BY_FD; the file is the fallback (kernels before 5.4, or no id walk).
    private static byte[] ReadVmlinux()
    {
        try
        {
            foreach (uint id in KernelObjectIds.Btfs())
            {
                using var btf = KernelBtf.FromId(id);
                var info = btf.GetInfo();
                if (info.IsKernel && info.Name == "vmlinux")
                    return btf.ReadBytes();
                if (info.IsKernel)
                    continue;
                break;
            }
        }
        catch (BpfException)
        {
        }
        return File.ReadAllBytes(Path);
    }

    private static VmlinuxTargets Find()
    {
        BtfSpec spec;
        try
        {
            spec = BtfSpec.Parse(ReadVmlinux(), null, Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Diagnostics.BpfFormatException)
        {
            return new VmlinuxTargets(0, 0, 0, -1, $"no kernel BTF ({Path}: {e.Message})");
        }
        uint tracepoint = 0, lsm = 0, structOps = 0, wrapper = 0;
        int member = -1;
        ReadOnlySpan<byte> tp = "btf_trace_sched_switch"u8, hook = "bpf_lsm_file_open"u8, ops = "tcp_congestion_ops"u8;
        ReadOnlySpan<byte> sys = System.Text.Encoding.UTF8.GetBytes(SyscallWrapperName ?? "\0");
        for (uint id = 1; id < (uint)spec.TypeCount && (tracepoint == 0 || lsm == 0 || structOps == 0 || wrapper == 0); id++)
        {
            var type = spec.GetType(id);
            switch (type.Kind)
            {
                case BtfKind.Typedef when tracepoint == 0 && type.NameUtf8.SequenceEqual(tp):
                    tracepoint = id;
                    break;
                case BtfKind.Func when lsm == 0 && type.NameUtf8.SequenceEqual(hook):
                    lsm = id;
                    break;
                case BtfKind.Func when wrapper == 0 && type.NameUtf8.SequenceEqual(sys):
                    wrapper = id;
                    break;
                case BtfKind.Struct when structOps == 0 && type.NameUtf8.SequenceEqual(ops):
                    structOps = id;
                    for (int i = 0; i < type.Vlen; i++)
                    {
                        if (type.Member(i).NameUtf8.SequenceEqual("cwnd_event"u8))
                        {
                            member = i;
                            break;
                        }
                    }
                    break;
            }
        }
        return new VmlinuxTargets(tracepoint, lsm, structOps, member, null, wrapper);
    }
}
