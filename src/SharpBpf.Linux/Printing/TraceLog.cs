using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Printing;

/// <summary>
/// The kernel's trace pipe, where bpf_trace_printk writes (bpftool's tracelog.c): tracefs found at
/// the usual mount points or in /proc/mounts, mounted at /sys/kernel/tracing when it is nowhere.
/// </summary>
public static class TraceLog
{
    // include/uapi/linux/magic.h.
    private const long TracefsMagic = 0x74726163;
    private const long DebugfsMagic = 0x64626720;

    private static readonly string[] KnownMounts = ["/sys/kernel/debug/tracing", "/sys/kernel/tracing", "/tracing", "/trace"];

    /// <summary>The path of trace_pipe, mounting tracefs when <paramref name="mount"/> allows; null when there is none.</summary>
    public static string? FindPipe(bool mount, TextWriter? info = null)
    {
        foreach (var path in KnownMounts)
        {
            if (IsTracefs(path))
                return path + "/trace_pipe";
        }
        try
        {
            foreach (var line in File.ReadLines("/proc/mounts"))
            {
                var f = line.Split(' ');
                if (f.Length >= 3 && f[2] == "tracefs" && IsTracefs(f[1]))
                    return f[1] + "/trace_pipe";
            }
        }
        catch (IOException)
        {
        }
        if (!mount)
            return null;
        info?.WriteLine("could not find tracefs, attempting to mount it now");
        string target = KnownMounts[1];
        if (Libc.Mount("nodev", target, "tracefs", 0, 0) != 0)
            throw new BpfException($"mount tracefs at {target}: {BpfException.Describe((Errno)Marshal.GetLastPInvokeError())}");
        return target + "/trace_pipe";
    }

    private static unsafe bool IsTracefs(string path)
    {
        var buffer = stackalloc byte[Libc.StatfsSize];
        if (Libc.Statfs(path, buffer) != 0)
            return false;
        long magic = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(buffer, 8));
        return magic is TracefsMagic or DebugfsMagic && File.Exists(path + "/trace_pipe");
    }

    /// <summary>Copies lines from the pipe until it ends or <paramref name="cancel"/> fires: as they are, or as JSON strings.</summary>
    public static void Copy(TextReader pipe, TextWriter output, BpftoolJsonWriter? json, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentNullException.ThrowIfNull(output);
        while (!cancel.IsCancellationRequested)
        {
            string? line = pipe.ReadLine();
            if (line is null)
                break;
            if (json is not null)
                json.String(line + "\n");
            else
                output.Write(line + "\n");
            output.Flush();
        }
    }
}
