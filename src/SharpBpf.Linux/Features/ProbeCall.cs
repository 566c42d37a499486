using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Features;

/// <summary>
/// The raw calls probes make, without exceptions: a program load with an optional verifier log
/// into a caller's buffer, a map create, and any other command, each returning the fd (closed by
/// the caller through <see cref="Close"/>) or -1 with the errno. Every call is counted, so tests
/// can see that a cached answer issued none.
/// </summary>
internal static unsafe class ProbeCall
{
    private static long s_calls;

    /// <summary>bpf(2) calls issued by probes in this process.</summary>
    public static long Count => Interlocked.Read(ref s_calls);

    // include/uapi/linux/bpf.h.
    public const uint FlagSleepable = 1u << 4;      // BPF_F_SLEEPABLE (prog_flags)
    public const uint FlagNoPrealloc = 1u << 0;     // BPF_F_NO_PREALLOC (map_flags)
    public const uint FlagMmapable = 1u << 10;      // BPF_F_MMAPABLE
    public const uint FlagLink = 1u << 13;          // BPF_F_LINK (struct_ops maps)
    public const uint BadFd = uint.MaxValue;        // fd -1: fdget fails with EBADF

    /// <summary>BPF_LOG_LEVEL1: the verifier's messages, each instruction it checks and the register state.</summary>
    public const uint LogLevelVerbose = 1;

    /// <summary>
    /// BPF_LOG_STATS (5.2) alone: the verifier's messages (verbose() logs at any level) and its
    /// closing statistics, without the instruction and state printing that costs most of a
    /// probe's log (kernel/bpf/verifier.c, do_check and print_verifier_state check BPF_LOG_LEVEL).
    /// </summary>
    public const uint LogLevelMessages = 4;

    /// <summary>What a program load needs besides the instructions.</summary>
    public readonly record struct LoadAttributes(uint ExpectedAttachType = 0, uint Flags = 0, uint AttachBtfId = 0, uint KernelVersion = 0);

    /// <summary>
    /// BPF_PROG_LOAD with license GPL. With a non-empty <paramref name="log"/> the verifier writes
    /// its log there at <paramref name="logLevel"/> (NUL-terminated; cleared first), so the caller
    /// can read its reason.
    /// </summary>
    public static int Load(ProgramType type, ReadOnlySpan<Instruction> instructions, in LoadAttributes attributes, Span<byte> log, out Errno errno,
        uint logLevel = LogLevelVerbose)
    {
        var code = MemoryMarshal.AsBytes(instructions);
        if (!log.IsEmpty)
            log[0] = 0;
        fixed (byte* insns = code)
        fixed (byte* license = "GPL\0"u8)
        fixed (byte* logBuffer = log)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = (uint)type,
                InsnCnt = (uint)instructions.Length,
                Insns = Sys.Pointer(insns),
                License = Sys.Pointer(license),
                LogLevel = log.IsEmpty ? 0u : logLevel,
                LogSize = (uint)log.Length,
                LogBuf = log.IsEmpty ? 0 : Sys.Pointer(logBuffer),
                KernVersion = attributes.KernelVersion,
                ProgFlags = attributes.Flags,
                ExpectedAttachType = attributes.ExpectedAttachType,
                AttachBtfId = attributes.AttachBtfId,
            };
            return Call(BpfCommand.ProgLoad, ref attr, out errno);
        }
    }

    /// <summary>BPF_MAP_CREATE of an attr the caller filled.</summary>
    public static int CreateMap(ref MapCreateAttr attr, out Errno errno) => Call(BpfCommand.MapCreate, ref attr, out errno);

    /// <summary>BPF_BTF_LOAD of raw BTF, without a log.</summary>
    public static int LoadBtf(ReadOnlySpan<byte> btf, out Errno errno)
    {
        fixed (byte* p = btf)
        {
            var attr = new BtfLoadAttr { Btf = Sys.Pointer(p), BtfSize = (uint)btf.Length };
            return Call(BpfCommand.BtfLoad, ref attr, out errno);
        }
    }

    /// <summary>Any command.</summary>
    public static int Call<TAttr>(BpfCommand command, ref TAttr attr, out Errno errno) where TAttr : unmanaged
    {
        Interlocked.Increment(ref s_calls);
        return Sys.TryBpf(command, ref attr, out errno);
    }

    /// <summary>Closes an fd a probe got (nothing for -1).</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
            Libc.Close(fd);
    }

    /// <summary>Whether the NUL-terminated log holds <paramref name="text"/>.</summary>
    public static bool LogContains(ReadOnlySpan<byte> log, ReadOnlySpan<byte> text)
    {
        int end = log.IndexOf((byte)0);
        return (end < 0 ? log : log[..end]).IndexOf(text) >= 0;
    }

    /// <summary>Whether the verifier wrote anything (it ran: the kernel got past its type checks).</summary>
    public static bool LogIsEmpty(ReadOnlySpan<byte> log) => log.IsEmpty || log[0] == 0;

    /// <summary>The verifier's reason: the last line before its statistics, as text.</summary>
    public static string? LogReason(ReadOnlySpan<byte> log)
    {
        int end = log.IndexOf((byte)0);
        var text = System.Text.Encoding.UTF8.GetString(end < 0 ? log : log[..end]);
        return text.Length == 0 ? null : VerifierLog.FindError(text).Reason;
    }

    // Instructions of the probe programs (include/linux/filter.h macros).
    public static Instruction MovImm(int dst, int imm) => new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceK, dst, 0, 0, imm);
    public static Instruction MovReg(int dst, int src) => new(Opcodes.ClassAlu64 | Opcodes.Mov | Opcodes.SourceX, dst, src, 0, 0);
    public static Instruction CallHelper(int id) => new(Opcodes.CallOpcode, 0, 0, 0, id);
    public static Instruction Exit => new(Opcodes.ExitOpcode, 0, 0, 0, 0);
}
