using System.Globalization;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// The kernel's tracing filesystem: tracepoint ids (events/CATEGORY/NAME/id) and the legacy
/// kprobe_events/uprobe_events files. Found at /sys/kernel/tracing or /sys/kernel/debug/tracing;
/// mounted at /sys/kernel/tracing when neither is there (needs CAP_SYS_ADMIN).
/// </summary>
internal static class Tracefs
{
    private const string Default = "/sys/kernel/tracing";
    private const string Debugfs = "/sys/kernel/debug/tracing";
    private static readonly Lock Gate = new();
    private static string? _root;

    /// <summary>The tracefs mount, mounting one if needed.</summary>
    public static string Root
    {
        get
        {
            lock (Gate)
            {
                if (_root is not null)
                    return _root;
                if (Directory.Exists(Path.Combine(Default, "events")))
                    return _root = Default;
                if (Directory.Exists(Path.Combine(Debugfs, "events")))
                    return _root = Debugfs;
                if (!Directory.Exists(Default))
                    throw new BpfNotSupportedException("tracefs (no /sys/kernel/tracing: the kernel has no CONFIG_TRACING)", null);
                if (Libc.Mount("tracefs", Default, "tracefs", 0, 0) != 0)
                {
                    var errno = (Errno)Marshal.GetLastPInvokeError();
                    throw new BpfException($"mount tracefs at {Default}", errno);
                }
                return _root = Default;
            }
        }
    }

    /// <summary>The id of tracepoint <paramref name="category"/>/<paramref name="name"/> (events/CAT/NAME/id).</summary>
    public static int EventId(string category, string name)
    {
        CheckName(category, "tracepoint category");
        CheckName(name, "tracepoint name");
        string path = Path.Combine(Root, "events", category, name, "id");
        if (!File.Exists(path))
            throw new BpfException($"tracepoint {category}/{name} (no {path})", Errno.ENOENT);
        return int.Parse(KernelFiles.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="file"/> (kprobe_events, uprobe_events) exists in tracefs.</summary>
    public static bool Has(string file)
    {
        try
        {
            return File.Exists(Path.Combine(Root, file));
        }
        catch (BpfException)
        {
            return false;
        }
    }

    /// <summary>Appends one command line to a tracefs control file (kprobe_events, uprobe_events).</summary>
    public static void Append(string file, string command)
    {
        string path = Path.Combine(Root, file);
        try
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write);
            var bytes = System.Text.Encoding.ASCII.GetBytes(command + "\n");
            stream.Write(bytes);
        }
        catch (UnauthorizedAccessException)
        {
            throw new BpfException($"write '{command}' to {path}", Errno.EACCES);
        }
        catch (IOException e)
        {
            // The kernel's errno comes back as the write's IOException; its HResult carries it on Unix.
            var errno = e.HResult is > 0 and < 4096 ? (Errno)e.HResult : Errno.EINVAL;
            throw new BpfException($"write '{command}' to {path}", errno);
        }
    }

    private static void CheckName(string part, string what)
    {
        if (part.Length == 0 || part.Contains('/', StringComparison.Ordinal) || part is "." or "..")
            throw new ArgumentException($"bad {what} '{part}'", nameof(part));
    }
}
