using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

internal static partial class Probes
{
    // include/uapi/linux/bpf.h: BPF_PSEUDO_CALL, BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_MAP_VALUE.
    private const int PseudoCall = 1, PseudoKfuncCall = 2, PseudoMapValue = 2;

    /// <summary>A miscellaneous feature's probe. Ring buffer and bpf_cookie come from the map and helper probes (see <see cref="KernelFeatures"/>).</summary>
    public static FeatureProbeResult Misc(MiscFeature feature)
    {
        (FeatureStatus status, string method, string? detail, Errno errno) = feature switch
        {
            MiscFeature.LargeInsnLimit => LargeProgram(),
            MiscFeature.BoundedLoops => Program("r0 = 10; l: r0 -= 1; if r0 != 0 goto l; exit",
                [MovImm(0, 10), Alu64Imm(Opcodes.Sub, 0, 1), JmpImm(Opcodes.ClassJmp, Opcodes.Jne, 0, 0, -2), Exit]),
            MiscFeature.V2IsaExtension => Program("r0 = 0; if r0 < 0 goto +1; r0 = 1; exit (BPF_JLT)",
                [MovImm(0, 0), JmpImm(Opcodes.ClassJmp, Opcodes.Jlt, 0, 0, 1), MovImm(0, 1), Exit]),
            MiscFeature.V3IsaExtension => Program("r0 = 0; if w0 < 0 goto +1; r0 = 1; exit (BPF_JMP32)",
                [MovImm(0, 0), JmpImm(Opcodes.ClassJmp32, Opcodes.Jlt, 0, 0, 1), MovImm(0, 1), Exit]),
            MiscFeature.V4IsaExtension => Program("r0 = 0; r0 = (s8)r0; exit (sign-extending move)",
                [MovImm(0, 0), new Instruction(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, 0, 0, 8, 0), Exit]),
            MiscFeature.BpfToBpfCalls => Program("call pc+1; exit; r0 = 0; exit",
                [new Instruction(Opcodes.CallOpcode, 0, PseudoCall, 0, 1), Exit, MovImm(0, 0), Exit]),
            MiscFeature.Atomics => Program("r0 = 0; *(u64 *)(r10 - 8) = r0; r0 = atomic_fetch_add((u64 *)(r10 - 8), r0); exit",
                [MovImm(0, 0), StackStore(), Atomic(Opcodes.Add | Opcodes.AtomicFetch, 10, 0), Exit]),
            MiscFeature.LoadAcquireStoreRelease => Program("r0 = 0; *(u64 *)(r10 - 8) = r0; r0 = load_acquire((u64 *)(r10 - 8)); exit",
                [MovImm(0, 0), StackStore(), Atomic(Opcodes.AtomicLoadAcquire, 0, 10), Exit]),
            MiscFeature.MayGoto => Program("may_goto +0; r0 = 0; exit",
                [JmpImm(Opcodes.ClassJmp, Opcodes.Jcond, 0, 0, 0), MovImm(0, 0), Exit]),
            MiscFeature.KfuncCalls => KfuncCall(),
            MiscFeature.GlobalData => GlobalData(),
            MiscFeature.MmapableMaps => MmapableArray(),
            MiscFeature.Btf => BtfKind("int", [.. BtfBlob.Int(1)], "\0int\0"u8),
            MiscFeature.BtfFunc => BtfKind("int, FUNC_PROTO int(void), static FUNC x",
                [.. BtfBlob.Int(1), .. BtfBlob.Type(0, BtfBlob.Info(BtfBlob.KindFuncProto), 1), .. BtfBlob.Type(5, BtfBlob.Info(BtfBlob.KindFunc), 2)], "\0int\0x\0"u8),
            MiscFeature.BtfGlobalFunc => BtfKind("int, FUNC_PROTO int(void), global FUNC x",
                [.. BtfBlob.Int(1), .. BtfBlob.Type(0, BtfBlob.Info(BtfBlob.KindFuncProto), 1), .. BtfBlob.Type(5, BtfBlob.Info(BtfBlob.KindFunc, 1), 2)], "\0int\0x\0"u8),
            MiscFeature.BtfDatasec => BtfKind("int, VAR x, DATASEC .data { x }",
                [.. BtfBlob.Int(1), .. BtfBlob.Type(5, BtfBlob.Info(BtfBlob.KindVar), 1), 0, .. BtfBlob.Type(7, BtfBlob.Info(BtfBlob.KindDatasec, 1), 4), 2, 0, 4],
                "\0int\0x\0.data\0"u8),
            MiscFeature.BtfFloat => BtfKind("FLOAT float", [.. BtfBlob.Type(1, BtfBlob.Info(BtfBlob.KindFloat), 4)], "\0float\0"u8),
            MiscFeature.BtfDeclTag => BtfKind("int, VAR x, DECL_TAG tag on x",
                [.. BtfBlob.Int(1), .. BtfBlob.Type(5, BtfBlob.Info(BtfBlob.KindVar), 1), 0, .. BtfBlob.Type(7, BtfBlob.Info(BtfBlob.KindDeclTag), 2), uint.MaxValue],
                "\0int\0x\0tag\0"u8),
            MiscFeature.BtfTypeTag => BtfKind("int, TYPE_TAG tag int, PTR to it",
                [.. BtfBlob.Int(1), .. BtfBlob.Type(7, BtfBlob.Info(BtfBlob.KindTypeTag), 1), .. BtfBlob.Type(0, BtfBlob.Info(BtfBlob.KindPtr), 2)],
                "\0int\0x\0tag\0"u8),
            MiscFeature.BtfEnum64 => BtfKind("ENUM64 e { tag = 1 }",
                [.. BtfBlob.Type(5, BtfBlob.Info(BtfBlob.KindEnum64, 1), 8), 7, 1, 0], "\0int\0x\0tag\0"u8),
            MiscFeature.SyscallWrapper => SyscallWrapper(),
            MiscFeature.BpfToken => Token(),
            _ => (FeatureStatus.Unknown, "derived from another probe", null, Errno.None),
        };
        string name = FeatureCatalog.NameOf(feature);
        return new FeatureProbeResult(FeatureKind.Misc, name, FeatureCatalog.DescriptionOf(feature), status, method, detail, errno,
            FeatureRequirements.Of(feature));
    }

    private static Instruction Alu64Imm(byte op, int dst, int imm) => new((byte)(Opcodes.ClassAlu64 | op | Opcodes.SourceK), dst, 0, 0, imm);

    private static Instruction JmpImm(byte @class, byte op, int dst, int imm, short offset) => new((byte)(@class | op | Opcodes.SourceK), dst, 0, offset, imm);

    private static Instruction StackStore() => new(Opcodes.ClassStx | Opcodes.ModeMem | Opcodes.SizeDW, 10, 0, -8, 0);

    private static Instruction Atomic(int op, int dst, int src) => new(Opcodes.ClassStx | Opcodes.ModeAtomic | Opcodes.SizeDW, dst, src, -8, op);

    /// <summary>bpftool's probe_misc_feature: a socket filter that loads (the verifier's log for why not).</summary>
    private static (FeatureStatus, string, string?, Errno) Program(string text, ReadOnlySpan<Instruction> program)
    {
        Span<byte> log = stackalloc byte[LogSize];
        int fd = Load(Core.ProgramType.SocketFilter, program, default, log, out var errno);
        Close(fd);
        string method = "BPF_PROG_LOAD of a socket filter: " + text;
        if (fd >= 0)
            return (FeatureStatus.Supported, method, null, Errno.None);
        return errno == Errno.EPERM
            ? (FeatureStatus.Denied, method, Refused, errno)
            : (FeatureStatus.NotSupported, method, Describe(errno) + (LogReason(log) is { } reason ? ": " + reason : ""), errno);
    }

    /// <summary>bpftool's probe_large_insn_limit: BPF_MAXINSNS (4096) moves and an exit, without a log.</summary>
    private static (FeatureStatus, string, string?, Errno) LargeProgram()
    {
        var program = new Instruction[4097];
        Array.Fill(program, MovImm(0, 1));
        program[^1] = Exit;
        int fd = Load(Core.ProgramType.SocketFilter, program, default, default, out var errno);
        Close(fd);
        const string method = "BPF_PROG_LOAD of a socket filter of 4097 instructions (BPF_MAXINSNS + 1)";
        return fd >= 0 ? (FeatureStatus.Supported, method, ComplexityLimit(), Errno.None)
            : errno == Errno.EPERM ? (FeatureStatus.Denied, method, Refused, errno)
            : (FeatureStatus.NotSupported, method, Describe(errno), errno);
    }

    // The verifier ends its log with "processed N insns (limit L) ..." (kernel/bpf/verifier.c,
    // print_verification_stats): L is BPF_COMPLEXITY_LIMIT_INSNS, 1M since 5.2.
    private static string? ComplexityLimit()
    {
        Span<byte> log = stackalloc byte[LogSize];
        int fd = Load(Core.ProgramType.SocketFilter, ProbePrograms.ReturnZero, default, log, out _);
        Close(fd);
        int end = log.IndexOf((byte)0);
        var text = System.Text.Encoding.ASCII.GetString(end < 0 ? log : log[..end]);
        var m = System.Text.RegularExpressions.Regex.Match(text, @"\(limit (\d+)\)");
        return m.Success ? $"the verifier's complexity limit is {m.Groups[1].Value} instructions" : null;
    }

    private static (FeatureStatus, string, string?, Errno) KfuncCall()
    {
        Span<byte> log = stackalloc byte[LogSize];
        ReadOnlySpan<Instruction> program = [new Instruction(Opcodes.CallOpcode, 0, PseudoKfuncCall, 0, 1), MovImm(0, 0), Exit];
        int fd = Load(Core.ProgramType.SocketFilter, program, default, log, out var errno);
        Close(fd);
        const string method = "BPF_PROG_LOAD of a socket filter calling kfunc BTF id 1; the verifier's \"kernel btf_id 1 is not a function\" means it resolves kfunc calls";
        if (fd >= 0 || (errno == Errno.EINVAL && LogContains(log, "kernel btf_id 1 is not a function"u8)))
            return (FeatureStatus.Supported, method, null, errno);
        return errno == Errno.EPERM
            ? (FeatureStatus.Denied, method, Refused, errno)
            : (FeatureStatus.NotSupported, method, Describe(errno) + (LogReason(log) is { } reason ? ": " + reason : ""), errno);
    }

    private static (FeatureStatus, string, string?, Errno) GlobalData()
    {
        const string method = "BPF_PROG_LOAD of a socket filter taking a pointer into an array map's value (ld_imm64 BPF_PSEUDO_MAP_VALUE)";
        var attr = new MapCreateAttr { MapType = (uint)Core.MapType.Array, KeySize = 4, ValueSize = 8, MaxEntries = 1 };
        int map = CreateMap(ref attr, out var mapErrno);
        if (map < 0)
            return (FeatureStatus.Unknown, method, "the array map was not created: " + Describe(mapErrno), mapErrno);
        try
        {
            Span<byte> log = stackalloc byte[LogSize];
            ReadOnlySpan<Instruction> program =
            [
                new Instruction(Opcodes.LoadImm64, 1, PseudoMapValue, 0, map), new Instruction(0, 0, 0, 0, 0),
                MovImm(0, 0), Exit,
            ];
            int fd = Load(Core.ProgramType.SocketFilter, program, default, log, out var errno);
            Close(fd);
            if (fd >= 0)
                return (FeatureStatus.Supported, method, null, Errno.None);
            return errno == Errno.EPERM
                ? (FeatureStatus.Denied, method, Refused, errno)
                : (FeatureStatus.NotSupported, method, Describe(errno) + (LogReason(log) is { } reason ? ": " + reason : ""), errno);
        }
        finally
        {
            Close(map);
        }
    }

    private static (FeatureStatus, string, string?, Errno) MmapableArray()
    {
        var attr = new MapCreateAttr { MapType = (uint)Core.MapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1, MapFlags = FlagMmapable };
        int fd = CreateMap(ref attr, out var errno);
        Close(fd);
        const string method = "BPF_MAP_CREATE of an array with BPF_F_MMAPABLE";
        if (fd >= 0)
            return (FeatureStatus.Supported, method, null, Errno.None);
        var (status, detail) = ClassifyCreate(errno);
        return (status, method, detail, errno);
    }

    private static (FeatureStatus, string, string?, Errno) BtfKind(string text, uint[] types, ReadOnlySpan<byte> strings)
    {
        int fd = LoadBtf(BtfBlob.Build(types, strings), out var errno);
        Close(fd);
        string method = "BPF_BTF_LOAD of " + text;
        return fd >= 0 ? (FeatureStatus.Supported, method, null, Errno.None)
            : errno == Errno.EPERM ? (FeatureStatus.Denied, method, Refused, errno)
            : (FeatureStatus.NotSupported, method, Describe(errno), errno);
    }

    // libbpf's probe_kern_syscall_wrapper asks whether the arch's wrapper of bpf(2) exists
    // (arch_specific_syscall_pfx). vmlinux BTF names every function, so the BTF the helper probes
    // read already answers; /proc/kallsyms (120k lines) is the fallback without BTF.
    private static (FeatureStatus, string, string?, Errno) SyscallWrapper()
    {
        string? symbol = VmlinuxTargets.SyscallWrapperName;
        if (symbol is null)
            return (FeatureStatus.Unknown, "/proc/kallsyms", "no syscall wrapper prefix is known for " + RuntimeInformation.ProcessArchitecture, Errno.None);
        var targets = VmlinuxTargets.Current;
        if (targets.Problem is null)
        {
            string how = $"vmlinux BTF has FUNC {symbol}";
            return targets.SyscallWrapperId != 0
                ? (FeatureStatus.Supported, how, null, Errno.None)
                : (FeatureStatus.NotSupported, how, symbol + " is not in vmlinux BTF", Errno.None);
        }
        string method = $"/proc/kallsyms has {symbol}";
        try
        {
            using var reader = new StreamReader("/proc/kallsyms");
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                // "ffffffff81234560 T __x64_sys_bpf": the name is the third field.
                if (line.EndsWith(symbol, StringComparison.Ordinal) && line.Length > symbol.Length && line[^(symbol.Length + 1)] == ' ')
                    return (FeatureStatus.Supported, method, null, Errno.None);
            }
            return (FeatureStatus.NotSupported, method, symbol + " is not in /proc/kallsyms", Errno.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (FeatureStatus.Unknown, method, "cannot read /proc/kallsyms: " + e.Message, Errno.None);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TokenCreateAttr
    {
        public uint Flags;
        public uint BpffsFd;
    }

    private static (FeatureStatus, string, string?, Errno) Token()
    {
        var attr = new TokenCreateAttr { BpffsFd = BadFd };
        int fd = Call(BpfCommand.TokenCreate, ref attr, out var errno);
        Close(fd);
        const string method = "BPF_TOKEN_CREATE with bpffs fd -1; EBADF means the command exists, EINVAL that it does not";
        return errno switch
        {
            Errno.EBADF => (FeatureStatus.Supported, method, null, errno),
            Errno.EINVAL => (FeatureStatus.NotSupported, method, Describe(errno), errno),
            Errno.EPERM => (FeatureStatus.Denied, method, Refused, errno),
            _ => (FeatureStatus.Unknown, method, Describe(errno), errno),
        };
    }
}
