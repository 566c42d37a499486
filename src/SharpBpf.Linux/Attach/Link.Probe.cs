using System.Globalization;
using SharpBpf.Core;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

public abstract partial class Link
{
    private const string KprobeMissing =
        "this kernel has no kprobe PMU (/sys/bus/event_source/devices/kprobe) and no kprobe_events in tracefs: it is built without CONFIG_KPROBE_EVENTS";

    /// <summary>
    /// Attaches a kprobe program to kernel function <paramref name="symbol"/>: a perf event on the
    /// kprobe PMU (4.17), else a probe defined in tracefs kprobe_events.
    /// </summary>
    public static Link Kprobe(KernelProgram program, string symbol, KprobeOptions? options = null) =>
        KernelProbe(program, symbol, retprobe: false, options ?? new KprobeOptions());

    /// <summary>Attaches a kprobe program to the return of kernel function <paramref name="symbol"/>.</summary>
    public static Link Kretprobe(KernelProgram program, string symbol, KprobeOptions? options = null) =>
        KernelProbe(program, symbol, retprobe: true, options ?? new KprobeOptions());

    /// <summary>Attaches a kprobe program to function <paramref name="symbol"/> of the ELF file <paramref name="path"/> (its offset from the symbol table).</summary>
    public static Link Uprobe(KernelProgram program, string path, string symbol, UprobeOptions? options = null) =>
        UserProbe(program, path, symbol, null, retprobe: false, options ?? new UprobeOptions());

    /// <summary>Attaches a kprobe program at file offset <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static Link Uprobe(KernelProgram program, string path, ulong offset, UprobeOptions? options = null) =>
        UserProbe(program, path, null, offset, retprobe: false, options ?? new UprobeOptions());

    /// <summary>Attaches a kprobe program to the return of function <paramref name="symbol"/> of <paramref name="path"/>.</summary>
    public static Link Uretprobe(KernelProgram program, string path, string symbol, UprobeOptions? options = null) =>
        UserProbe(program, path, symbol, null, retprobe: true, options ?? new UprobeOptions());

    /// <summary>Attaches a kprobe program to the return of the function at file offset <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static Link Uretprobe(KernelProgram program, string path, ulong offset, UprobeOptions? options = null) =>
        UserProbe(program, path, null, offset, retprobe: true, options ?? new UprobeOptions());

    /// <summary>
    /// Attaches a program loaded for <see cref="AttachType.TraceUprobeMulti"/> to several functions
    /// of one file at once (BPF_LINK_CREATE, 6.6): one bpf_link of type uprobe_multi.
    /// </summary>
    public static Link UprobeMulti(KernelProgram program, string path, IReadOnlyList<string> symbols, UprobeMultiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var executable = Executable.Open(path);
        var offsets = new ulong[symbols.Count];
        for (int i = 0; i < offsets.Length; i++)
            offsets[i] = executable.SymbolOffset(symbols[i]);
        return UprobeMulti(program, executable.Path, offsets, options, string.Join(',', symbols));
    }

    /// <summary>Attaches a program loaded for <see cref="AttachType.TraceUprobeMulti"/> at several file offsets of <paramref name="path"/>.</summary>
    public static Link UprobeMulti(KernelProgram program, string path, IReadOnlyList<ulong> offsets, UprobeMultiOptions? options = null) =>
        UprobeMulti(program, path, offsets, options, string.Join(',', offsets.Select(o => string.Create(CultureInfo.InvariantCulture, $"0x{o:x}"))));

    /// <summary>Test hook: define probes in tracefs even where the kprobe/uprobe PMU exists (this thread only).</summary>
    [ThreadStatic]
    internal static bool PreferTracefsProbes;

    private static Link KernelProbe(KernelProgram program, string symbol, bool retprobe, KprobeOptions options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(symbol);
        string kind = retprobe ? "kretprobe" : "kprobe";
        string target = options.Offset == 0 ? $"{kind} {symbol}" : string.Create(CultureInfo.InvariantCulture, $"{kind} {symbol}+0x{options.Offset:x}");
        BpfFileDescriptor perfEvent;
        TracefsProbe? probe = null;
        try
        {
            if (retprobe && options.Offset != 0)
                throw new ArgumentException("a kretprobe has no offset", nameof(options));
            if (!PreferTracefsProbes && PerfEvents.PmuType("kprobe") is { } pmu)
            {
                ulong config = retprobe ? 1UL << PerfEvents.RetprobeBit("kprobe") : 0;
                perfEvent = PerfEvents.OpenProbe(pmu, config, symbol, options.Offset, -1, "perf_event_open(kprobe PMU)");
            }
            else if (Tracefs.Has("kprobe_events"))
            {
                probe = TracefsProbe.Kprobe(symbol, options.Offset, retprobe);
                perfEvent = PerfEvents.OpenTracepoint(probe.EventId);
            }
            else
            {
                throw BpfNotSupportedException.WithReason("kprobes", KprobeMissing);
            }
        }
        catch (BpfException e)
        {
            probe?.Dispose();
            throw e.WithContext(AttachContext(program, target));
        }
        return AttachPerfEvent(program, perfEvent, probe, target, options.Cookie, options.Mode);
    }

    private static Link UserProbe(KernelProgram program, string path, string? symbol, ulong? offset, bool retprobe, UprobeOptions options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(path);
        string kind = retprobe ? "uretprobe" : "uprobe";
        string where = symbol is not null
            ? (options.Offset == 0 ? symbol : string.Create(CultureInfo.InvariantCulture, $"{symbol}+0x{options.Offset:x}"))
            : string.Create(CultureInfo.InvariantCulture, $"0x{offset:x}");
        string target = $"{kind} {path}:{where}";
        BpfFileDescriptor perfEvent;
        TracefsProbe? probe = null;
        try
        {
            if (retprobe && options.Offset != 0)
                throw new ArgumentException("a uretprobe has no offset", nameof(options));
            var executable = Executable.Open(path);
            ulong fileOffset = symbol is not null ? executable.SymbolOffset(symbol) + options.Offset : offset!.Value;
            if (!PreferTracefsProbes && PerfEvents.PmuType("uprobe") is { } pmu)
            {
                ulong config = (retprobe ? 1UL << PerfEvents.RetprobeBit("uprobe") : 0) | PerfEvents.UprobeRefCounter(options.RefCounterOffset);
                perfEvent = PerfEvents.OpenProbe(pmu, config, executable.Path, fileOffset, options.Pid, "perf_event_open(uprobe PMU)");
            }
            else if (Tracefs.Has("uprobe_events"))
            {
                probe = TracefsProbe.Uprobe(executable.Path, fileOffset, retprobe, options.RefCounterOffset);
                var attr = new PerfEventAttr { Type = PerfEvents.TypeTracepoint, Config = (ulong)probe.EventId };
                perfEvent = PerfEvents.Open(ref attr, options.Pid < 0 ? -1 : options.Pid, options.Pid == -1 ? 0 : -1, "perf_event_open(uprobe_events)");
            }
            else
            {
                throw BpfNotSupportedException.WithReason("uprobes",
                    "this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe) and no uprobe_events in tracefs: it is built without CONFIG_UPROBE_EVENTS");
            }
        }
        catch (BpfException e)
        {
            probe?.Dispose();
            throw e.WithContext(AttachContext(program, target));
        }
        return AttachPerfEvent(program, perfEvent, probe, target, options.Cookie, options.Mode);
    }

    private static unsafe Link UprobeMulti(KernelProgram program, string path, IReadOnlyList<ulong> offsets, UprobeMultiOptions? options, string what)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(offsets);
        options ??= new UprobeMultiOptions();
        string target = $"{(options.Return ? "uretprobe.multi" : "uprobe.multi")} {path}:{what}";
        if (offsets.Count == 0)
            throw new ArgumentException("no offsets to probe", nameof(offsets));
        if (options.Cookies is { } c && c.Count != offsets.Count)
            throw new ArgumentException($"{c.Count} cookies for {offsets.Count} probes", nameof(options));
        if (options.RefCounterOffsets is { } r && r.Count != offsets.Count)
            throw new ArgumentException($"{r.Count} reference counter offsets for {offsets.Count} probes", nameof(options));
        var offsetArray = offsets.ToArray();
        var cookies = options.Cookies?.ToArray();
        var refCounters = options.RefCounterOffsets?.ToArray();
        try
        {
            using var p = program.Fd.Acquire();
            fixed (byte* file = Sys.Utf8Z(path))
            fixed (ulong* o = offsetArray)
            fixed (ulong* k = cookies)
            fixed (ulong* rc = refCounters)
            {
                var attr = new LinkCreateAttr
                {
                    ProgFd = p.Fd,
                    AttachType = (uint)AttachType.TraceUprobeMulti,
                    UprobeMultiPath = Sys.Pointer(file),
                    UprobeMultiOffsets = Sys.Pointer(o),
                    UprobeMultiCookies = Sys.Pointer(k),
                    UprobeMultiRefCtrOffsets = Sys.Pointer(rc),
                    UprobeMultiCnt = (uint)offsetArray.Length,
                    UprobeMultiFlags = options.Return ? 1u : 0u, // BPF_F_UPROBE_MULTI_RETURN
                    UprobeMultiPid = options.Pid > 0 ? (uint)options.Pid : 0,
                };
                return new FdLink(KernelLink.FromFd(Sys.BpfFd(BpfCommand.LinkCreate, ref attr)), target, program.Id);
            }
        }
        catch (BpfException e)
        {
            throw e.WithContext(AttachContext(program, target));
        }
    }
}
