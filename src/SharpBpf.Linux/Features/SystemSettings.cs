using System.Globalization;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Features;

/// <summary>
/// The sysctls that govern bpf(2) and the JIT, as bpftool reads them (feature.c, read_procfs):
/// the first line as a decimal number, -1 when the file is missing or holds something else.
/// </summary>
/// <param name="ProcMounted">Whether /proc is procfs (bpftool's check_procfs); when not, the values are all -1.</param>
/// <param name="UnprivilegedBpfDisabled">kernel.unprivileged_bpf_disabled: 0 allowed, 1 disabled for good, 2 disabled until an admin changes it.</param>
/// <param name="JitEnable">net.core.bpf_jit_enable: 0 off, 1 on, 2 on with debug output.</param>
/// <param name="JitHarden">net.core.bpf_jit_harden: 0 off, 1 for unprivileged users, 2 for all.</param>
/// <param name="JitKallsyms">net.core.bpf_jit_kallsyms: whether JITed programs appear in /proc/kallsyms for root.</param>
/// <param name="JitLimit">net.core.bpf_jit_limit: bytes of JIT memory unprivileged users may take.</param>
public sealed record SystemSettings(bool ProcMounted, long UnprivilegedBpfDisabled, long JitEnable, long JitHarden, long JitKallsyms, long JitLimit)
{
    // include/uapi/linux/magic.h.
    private const uint ProcSuperMagic = 0x9fa0;

    /// <summary>Reads the sysctls now.</summary>
    public static SystemSettings Read()
    {
        if (!IsProcfs())
            return new SystemSettings(false, -1, -1, -1, -1, -1);
        return new SystemSettings(true,
            ReadProcfs("/proc/sys/kernel/unprivileged_bpf_disabled"),
            ReadProcfs("/proc/sys/net/core/bpf_jit_enable"),
            ReadProcfs("/proc/sys/net/core/bpf_jit_harden"),
            ReadProcfs("/proc/sys/net/core/bpf_jit_kallsyms"),
            ReadProcfs("/proc/sys/net/core/bpf_jit_limit"));
    }

    private static unsafe bool IsProcfs()
    {
        byte* buffer = stackalloc byte[Libc.StatfsSize];
        if (Libc.Statfs("/proc", buffer) != 0)
            return false;
        // f_type is the first word of struct statfs on 64-bit Linux.
        return *(ulong*)buffer == ProcSuperMagic;
    }

    private static long ReadProcfs(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var line = reader.ReadLine();
            return line is not null && long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
