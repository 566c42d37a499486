using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// perf_event_open(2) for the events programs attach to, as libbpf opens them: tracepoints by
/// tracefs id, kprobes and uprobes through their dynamic PMUs (type from
/// /sys/bus/event_source/devices/PMU/type, the return-probe bit from its format/retprobe), and
/// sampling events per CPU. Also the perf event ioctls of the legacy attachment.
/// </summary>
internal static unsafe class PerfEvents
{
    // include/uapi/linux/perf_event.h.
    public const uint TypeSoftware = 1;
    public const uint TypeTracepoint = 2;
    private const ulong IocEnable = 0x2400;          // _IO('$', 0)
    private const ulong IocDisable = 0x2401;         // _IO('$', 1)
    private const ulong IocSetBpf = 0x4004_2408;     // _IOW('$', 8, __u32)
    private const int UprobeRefCounterShift = 32;    // PERF_UPROBE_REF_CTR_OFFSET_SHIFT

    private const string EventSources = "/sys/bus/event_source/devices";

    /// <summary>Opens a tracepoint event for every task on every CPU (pid -1, cpu 0, as libbpf: BPF runs on all CPUs).</summary>
    public static BpfFileDescriptor OpenTracepoint(int id)
    {
        var attr = new PerfEventAttr { Type = TypeTracepoint, Size = (uint)sizeof(PerfEventAttr), Config = (ulong)id };
        return Open(ref attr, -1, 0, $"perf_event_open(tracepoint id {id})");
    }

    /// <summary>
    /// Opens a kprobe or uprobe event on its PMU: config1 points to the function or file name,
    /// config2 is the offset (or address), the return-probe bit and a uprobe's reference counter
    /// offset go in config. Uprobes filter on <paramref name="pid"/> (-1: every process).
    /// </summary>
    public static BpfFileDescriptor OpenProbe(int pmuType, ulong config, string name, ulong offset, int pid, string what)
    {
        fixed (byte* n = Sys.Utf8Z(name))
        {
            var attr = new PerfEventAttr
            {
                Type = (uint)pmuType,
                Size = (uint)sizeof(PerfEventAttr),
                Config = config,
                Config1 = Sys.Pointer(n),
                Config2 = offset,
            };
            return Open(ref attr, pid < 0 ? -1 : pid, pid == -1 ? 0 : -1, what);
        }
    }

    /// <summary>The uprobe PMU's config for a reference counter (USDT semaphore) offset.</summary>
    public static ulong UprobeRefCounter(ulong offset) => offset << UprobeRefCounterShift;

    /// <summary>Opens an event described by <paramref name="attr"/> (Size is set here).</summary>
    public static BpfFileDescriptor Open(ref PerfEventAttr attr, int pid, int cpu, string what)
    {
        attr.Size = (uint)sizeof(PerfEventAttr);
        int fd;
        fixed (PerfEventAttr* a = &attr)
            fd = Libc.PerfEventOpen(a, pid, cpu, -1, Libc.PerfFlagFdCloexec);
        if (fd < 0)
            throw AttachNative.Error(what);
        return new BpfFileDescriptor(fd);
    }

    /// <summary>The type number of a dynamic PMU ("kprobe", "uprobe"), or null when the kernel has none.</summary>
    public static int? PmuType(string pmu)
    {
        string path = $"{EventSources}/{pmu}/type";
        if (!File.Exists(path))
            return null;
        return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The config bit a PMU's return probes set: format/retprobe reads "config:N".</summary>
    public static int RetprobeBit(string pmu)
    {
        string path = $"{EventSources}/{pmu}/format/retprobe";
        string text = File.ReadAllText(path).Trim();
        const string prefix = "config:";
        if (!text.StartsWith(prefix, StringComparison.Ordinal) || !int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int bit))
            throw new BpfException($"{path}: expected 'config:N', found '{text}'");
        return bit;
    }

    /// <summary>PERF_EVENT_IOC_SET_BPF: the legacy attachment of a program to the event.</summary>
    public static void SetBpf(BpfFileDescriptor perfEvent, BpfFileDescriptor program)
    {
        using var e = perfEvent.Acquire();
        using var p = program.Acquire();
        if (Libc.Ioctl(e.Value, IocSetBpf, p.Value) != 0)
            throw AttachNative.Error("ioctl(PERF_EVENT_IOC_SET_BPF)");
    }

    /// <summary>PERF_EVENT_IOC_ENABLE.</summary>
    public static void Enable(BpfFileDescriptor perfEvent)
    {
        using var e = perfEvent.Acquire();
        if (Libc.Ioctl(e.Value, IocEnable, 0) != 0)
            throw AttachNative.Error("ioctl(PERF_EVENT_IOC_ENABLE)");
    }

    /// <summary>PERF_EVENT_IOC_DISABLE, best effort (the event is closed right after).</summary>
    public static void Disable(BpfFileDescriptor perfEvent)
    {
        using var e = perfEvent.Acquire();
        _ = Libc.Ioctl(e.Value, IocDisable, 0);
    }

    /// <summary>The errno of the last failed call.</summary>
    public static Errno LastErrno => (Errno)Marshal.GetLastPInvokeError();
}
