using System.Globalization;
using SharpBpf.Linux.Native;

namespace SharpBpf.Linux.Attach;

/// <summary>
/// Which fds of which processes attach programs (BPF_TASK_FD_QUERY), as bpftool perf finds them:
/// every /proc/PID/fd/FD in directory order, queried one by one.
/// </summary>
public static unsafe class TaskFdQuery
{
    private const int BufferSize = 4096;

    /// <summary>What <paramref name="fd"/> of process <paramref name="pid"/> attaches, or null when it attaches nothing.</summary>
    public static TaskFdInfo? Query(int pid, int fd)
    {
        var name = new byte[BufferSize];
        fixed (byte* b = name)
        {
            var attr = new TaskFdQueryAttr { Pid = (uint)pid, Fd = (uint)fd, Buf = Sys.Pointer(b), BufLen = (uint)name.Length };
            try
            {
                Sys.Bpf(BpfCommand.TaskFdQuery, ref attr);
            }
            catch (BpfException)
            {
                // Not a perf event or link with a program (ENOTSUPP, EBADF, ENOENT), or gone meanwhile.
                return null;
            }
            return new TaskFdInfo(pid, fd, attr.ProgId, (TaskFdType)attr.FdType, Sys.CString(name), attr.ProbeOffset, attr.ProbeAddr);
        }
    }

    /// <summary>
    /// Throws unless this process may query fds: bpftool's has_perf_query_support asks about an
    /// fd of "/" and expects ENOTSUPP (anything else: not root, or a kernel before 4.18).
    /// </summary>
    public static void EnsureSupported()
    {
        int fd = AttachNative.Open("/", AttachNative.ORdOnly | AttachNative.ODirectory | AttachNative.OCloexec);
        if (fd < 0)
            throw AttachNative.Error("open /");
        using var root = new BpfFileDescriptor(fd);
        var name = new byte[16];
        fixed (byte* b = name)
        {
            var attr = new TaskFdQueryAttr
            {
                Pid = (uint)Environment.ProcessId,
                Fd = (uint)root.Value,
                Buf = Sys.Pointer(b),
                BufLen = (uint)name.Length,
            };
            try
            {
                Sys.Bpf(BpfCommand.TaskFdQuery, ref attr);
            }
            catch (BpfException e) when (e.Errno == Errno.ENOTSUPP)
            {
                return;
            }
            catch (BpfException e)
            {
                throw e.WithContext("query task fds (not root, or a kernel without BPF_TASK_FD_QUERY?)");
            }
        }
    }

    /// <summary>Every attachment held by an fd of any process, in /proc's order (pids, then fds, as listed).</summary>
    public static IEnumerable<TaskFdInfo> All()
    {
        foreach (var process in SafeEnumerate("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            foreach (var entry in SafeEnumerate(Path.Combine(process, "fd")))
            {
                if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int fd))
                    continue;
                if (Query(pid, fd) is { } found)
                    yield return found;
            }
        }
    }

    private static IEnumerable<string> SafeEnumerate(string directory)
    {
        try
        {
            // Directory order, as nftw reads it (readdir: /proc lists pids in increasing order).
            return [.. Directory.EnumerateFileSystemEntries(directory)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
