using SharpBpf.Core;
using static SharpBpf.Linux.Features.ProbeCall;

namespace SharpBpf.Linux.Features;

internal static partial class Probes
{
    /// <summary>
    /// libbpf_probe_bpf_helper's classification (src/libbpf_probes.c): a load that fails with
    /// "invalid func ", "unknown func " (before 6.10) or "program of this type cannot use helper "
    /// (6.10 on) means the type may not call the helper; any other answer means it may. The
    /// program is <c>call id; r0 = r6; exit</c>: reading the never-written r6 fails verification
    /// right after an accepted call (R6 !read_ok), so a supported helper costs no JIT, no program
    /// id and no deferred free, and the answer is the same as libbpf's. The log asked for holds the
    /// verifier's messages only (BPF_LOG_STATS): a feature probe makes thousands of these loads, and
    /// printing instructions and register states was a tenth of their kernel time. A kernel older
    /// than BPF_LOG_STATS refuses the level with EINVAL before verifying, leaving the log empty: then
    /// the load is repeated with the level-1 log.
    /// </summary>
    public static HelperAnswer Helper(ProgramType type, ProbePrograms.Recipe recipe, int helperId, Span<byte> log, out Errno errno)
    {
        ReadOnlySpan<Instruction> program = [CallHelper(helperId), MovReg(0, 6), Exit];
        int fd = Load(type, program, recipe.Attributes, log, out errno, LogLevelMessages);
        if (fd < 0 && errno == Errno.EINVAL && LogIsEmpty(log))
            fd = Load(type, program, recipe.Attributes, log, out errno);
        Close(fd);
        if (fd >= 0)
            return HelperAnswer.Supported;
        if (LogContains(log, "invalid func "u8))
            return HelperAnswer.UnknownToKernel;
        if (LogContains(log, "program of this type cannot use helper "u8) || LogContains(log, "unknown func "u8))
            return HelperAnswer.NotAllowed;
        return LogIsEmpty(log) ? HelperAnswer.Undetermined : HelperAnswer.Supported;
    }

    /// <summary>The method text of helper probes of a type.</summary>
    public static string HelperMethod(ProbePrograms.Recipe recipe) =>
        $"BPF_PROG_LOAD of call <helper>; r0 = r6; exit ({recipe.Description}); the verifier's \"invalid func\", \"unknown func\" or \"program of this type cannot use helper\" means no, anything else yes (libbpf_probe_bpf_helper)";
}
