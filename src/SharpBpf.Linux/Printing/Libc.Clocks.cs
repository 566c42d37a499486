using System.Runtime.InteropServices;

namespace SharpBpf.Linux.Native;

/// <summary>The clocks bpftool reads to turn a load time (ns since boot) into wall-clock time.</summary>
internal static unsafe partial class Libc
{
    /// <summary>CLOCK_REALTIME (include/uapi/linux/time.h).</summary>
    public const int ClockRealtime = 0;

    /// <summary>CLOCK_BOOTTIME: the clock of bpf_prog_info.load_time (ktime_get_boottime_ns).</summary>
    public const int ClockBoottime = 7;

    /// <summary>clock_gettime(2) into a struct timespec (two 64-bit words on x86-64 and arm64).</summary>
    [LibraryImport(Name, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGettime(int clock, long* timespec);
}
