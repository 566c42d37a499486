using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SharpBpf.Cli;

/// <summary>
/// The repository's check that this build is current. <c>./sharpbpf</c> (tools/SharpBpf.Launcher) execs the build
/// with <c>SHARPBPF_BUILD_DIR</c> and <c>SHARPBPF_WRAPPER</c> set, and forks a child that checks that no file or
/// folder the build was made from (listed in <c>.sources</c>) is newer than its stamp (<c>.built</c>): 512 stat
/// calls, ~0.5-1 ms of kernel time here, on the other CPU while this process starts (the .NET runtime alone takes
/// ~1.5 ms before <c>Main</c>). The child answers through a pipe named by <c>SHARPBPF_CHECK=FD,CHILD,SELF</c>.
/// <para>
/// A command reads the answer (<see cref="AwaitFresh"/>) before its first output (StandardOutput's writers wait)
/// or lasting effect; a one-liner compiles, loads and attaches its programs first. Without the launcher's answer
/// (<c>sharpbpf.sh</c> ran the build, or the child could not answer), the check runs here, at the first wait
/// (<see cref="IsStale"/>). When the build is stale, <see cref="AwaitFresh"/> throws
/// <see cref="StaleBuildException"/>, the command unwinds (closing what it opened), and <see cref="Rebuild"/> has
/// <c>sharpbpf.sh</c> rebuild and run the new binary with the same arguments.
/// </para>
/// </summary>
internal static unsafe class BuildFreshness
{
    private static string? s_dir;
    private static bool? s_stale;
    private static int s_answer = -1, s_child;

    /// <summary>
    /// Takes note of the build folder and of the launcher's answer to come, when run from the repository (otherwise
    /// the build counts as fresh). Does not wait.
    /// </summary>
    public static void Start()
    {
        string? dir = Environment.GetEnvironmentVariable("SHARPBPF_BUILD_DIR");
        if (string.IsNullOrEmpty(dir) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SHARPBPF_WRAPPER")))
        {
            s_stale = false;
            return;
        }
        s_dir = dir;
        // The pipe's end is not passed on to the processes this one starts; the variable is, but names another
        // process there (TryParseCheck), so it is left alone (removing it would copy the whole environment).
        if (TryParseCheck(Environment.GetEnvironmentVariable("SHARPBPF_CHECK"), Environment.ProcessId, out int fd, out int child) &&
            fcntl(fd, FSetFd, FdCloexec) == 0)
        {
            s_answer = fd;
            s_child = child;
        }
    }

    /// <summary>
    /// Waits for the answer (or checks, without the launcher's); throws <see cref="StaleBuildException"/> when a
    /// source is newer than the build. Call before anything is printed or done that lasts. Cheap once answered.
    /// </summary>
    public static void AwaitFresh()
    {
        if (s_stale is null)
        {
            bool? answer = s_answer >= 0 ? ReadAnswer(s_answer) : null;
            Finish();
            s_stale = answer ?? (s_dir is not null && IsStale(s_dir));
        }
        if (s_stale.Value)
            throw new StaleBuildException();
    }

    /// <summary>Closes the pipe from the launcher's check, if still open, and reaps its child.</summary>
    public static void Finish()
    {
        if (s_answer < 0)
            return;
        _ = close(s_answer);
        s_answer = -1;
        // The child ends once it has answered, or at its write to the closed pipe (SIGPIPE).
        while (waitpid(s_child, null, 0) < 0 && Marshal.GetLastPInvokeError() == EINTR)
        {
        }
    }

    /// <summary>Rebuilds through sharpbpf.sh and runs the new binary with the same arguments; its exit code.</summary>
    public static int Rebuild(string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("SHARPBPF_WRAPPER")!) { UseShellExecute = false };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment["SHARPBPF_REBUILD"] = "1";
        start.Environment.Remove("SHARPBPF_BUILD_DIR");
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>
    /// <c>SHARPBPF_CHECK</c>'s value, <c>FD,CHILD,SELF</c>, when SELF is this process (the launcher's id, which its
    /// exec kept): the variable inherited by another process is not its own.
    /// </summary>
    internal static bool TryParseCheck(string? value, int self, out int fd, out int child)
    {
        fd = child = 0;
        string[] parts = value?.Split(',') ?? [];
        return parts.Length == 3 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out fd) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out child) && child > 0 &&
            int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int owner) && owner == self;
    }

    /// <summary>
    /// The launcher's answer from <paramref name="fd"/>: <c>f</c> fresh (false), <c>s</c> stale (true); null for
    /// anything else (<c>?</c>: its list was too long for it; nothing: the child ended without answering).
    /// </summary>
    internal static bool? ReadAnswer(int fd)
    {
        byte answer;
        nint n;
        while ((n = read(fd, &answer, 1)) < 0 && Marshal.GetLastPInvokeError() == EINTR)
        {
        }
        return n != 1 ? null : answer switch
        {
            (byte)'f' => false,
            (byte)'s' => true,
            _ => null,
        };
    }

    /// <summary>
    /// The check itself: is a file or folder listed in <paramref name="dir"/>'s <c>.sources</c> newer than its
    /// <c>.built</c>, or missing, or either unreadable? (The launcher's child makes the same check.)
    /// </summary>
    internal static bool IsStale(string dir)
    {
        try
        {
            // A missing file reads as 1601-01-01 (the "no file" time): a missing stamp or source makes the build stale.
            var built = File.GetLastWriteTimeUtc(Path.Combine(dir, ".built"));
            if (built.Year == 1601)
                return true;
            foreach (string path in File.ReadLines(Path.Combine(dir, ".sources")))
            {
                if (path.Length == 0)
                    continue;
                var written = File.GetLastWriteTimeUtc(path);
                if (written > built || written.Year == 1601)
                    return true;
            }
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    private const int EINTR = 4, FSetFd = 2, FdCloexec = 1;

    [DllImport("libc", EntryPoint = "fcntl")]
    private static extern int fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint read(int fd, byte* buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int close(int fd);

    [DllImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static extern int waitpid(int pid, int* status, int options);
}

/// <summary>Thrown by <see cref="BuildFreshness.AwaitFresh"/>: a source is newer than this build.</summary>
internal sealed class StaleBuildException() : Exception("a source is newer than this build");
