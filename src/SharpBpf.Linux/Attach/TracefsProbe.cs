using System.Globalization;
using System.Text;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// A kprobe or uprobe defined through tracefs (kprobe_events/uprobe_events), the route for kernels
/// without the kprobe/uprobe PMU (before 4.17), as libbpf's legacy probes: the definition gets a
/// unique event name in the "sharpbpf" group and is removed on Dispose.
/// </summary>
internal sealed class TracefsProbe : IDisposable
{
    private const string Group = "sharpbpf";
    private static int _counter;
    private readonly string _file;
    private bool _removed;

    private TracefsProbe(string file, string name)
    {
        _file = file;
        Name = name;
    }

    /// <summary>The event name inside the group.</summary>
    public string Name { get; }

    /// <summary>The tracepoint id of the new event.</summary>
    public int EventId => Tracefs.EventId(Group, Name);

    /// <summary>Defines "p:sharpbpf/NAME SYMBOL+OFFSET" (or "r:" for a return probe) in kprobe_events.</summary>
    public static TracefsProbe Kprobe(string symbol, ulong offset, bool retprobe)
    {
        string name = UniqueName(symbol, offset);
        string where = offset == 0 ? symbol : string.Create(CultureInfo.InvariantCulture, $"{symbol}+{offset}");
        Tracefs.Append("kprobe_events", $"{(retprobe ? 'r' : 'p')}:{Group}/{name} {where}");
        return new TracefsProbe("kprobe_events", name);
    }

    /// <summary>Defines "p:sharpbpf/NAME PATH:0xOFFSET" (or "r:") in uprobe_events, with "(0xREF)" for a reference counter.</summary>
    public static TracefsProbe Uprobe(string path, ulong offset, bool retprobe, ulong refCounterOffset)
    {
        string name = UniqueName(Path.GetFileName(path), offset);
        string refCounter = refCounterOffset != 0 ? string.Create(CultureInfo.InvariantCulture, $"(0x{refCounterOffset:x})") : "";
        Tracefs.Append("uprobe_events", string.Create(CultureInfo.InvariantCulture, $"{(retprobe ? 'r' : 'p')}:{Group}/{name} {path}:0x{offset:x}{refCounter}"));
        return new TracefsProbe("uprobe_events", name);
    }

    /// <summary>Removes the definition ("-:sharpbpf/NAME"); an event still in use stays (EBUSY) and is left alone.</summary>
    public void Dispose()
    {
        if (_removed)
            return;
        _removed = true;
        // The perf event that used the probe may still be going away (its release runs after the
        // close returns, and uprobes unregister after an RCU grace period): EBUSY for a moment.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Tracefs.Append(_file, $"-:{Group}/{Name}");
                return;
            }
            catch (BpfException e) when (e.Errno == Errno.EBUSY && attempt < 50)
            {
                Thread.Sleep(10);
            }
            catch (BpfException)
            {
                // Still busy (a pinned link uses it) or already gone: nothing more to undo here.
                return;
            }
        }
    }

    // libbpf's gen_probe_legacy_event_name: the symbol (non-identifier characters replaced), the pid
    // and a process-wide counter, so concurrent processes and attachments do not collide.
    private static string UniqueName(string what, ulong offset)
    {
        var name = new StringBuilder();
        foreach (char c in what)
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        if (name.Length > 32)
            name.Length = 32;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}_0x{offset:x}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}");
    }
}
