using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SharpBpf.Cli;

/// <summary>
/// The repository wrapper's staleness check, done here rather than in the shell: <c>./sharpbpf</c> execs the
/// built binary with <c>SHARPBPF_BUILD_DIR</c> set, and the binary checks that no file or folder it was built
/// from (listed by the build in <c>.sources</c>, folder by folder) is newer than the build's stamp: a stat per
/// entry, ~0.5 ms in all here when the file system's caches are warm and ~1.2 ms after a pause, where the
/// shell's <c>-nt</c> test over the list took ~5 ms.
/// <para>
/// On x86-64 Linux the check runs on a thread of its own (<see cref="Start"/>) while the command does work that
/// is neither seen nor kept (parsing and compiling a one-liner, loading and attaching its programs), and the
/// command waits for the answer (<see cref="AwaitFresh"/>) before its first output or lasting effect; commands
/// other than <c>trace</c> wait at once. When the build is stale, <see cref="AwaitFresh"/> throws
/// <see cref="StaleBuildException"/>, the command unwinds (closing what it opened), and <see cref="Rebuild"/>
/// has the wrapper rebuild and run the new binary with the same arguments. Measured with bench/trace's first
/// event: the check adds ~0.65 ms on its own thread, ~1.1 ms on the calling thread.
/// </para>
/// <para>
/// The thread runs no code that could start a class constructor: two threads starting class constructors at
/// once can deadlock in .NET 10's NativeAOT runtime (seen here once in ~1,000 runs: the main thread in
/// Dictionary's static constructor, waiting for the lock of AppContext's, which the other thread held while
/// waiting for Dictionary's; 0 in 5,000 runs since). So the main thread prepares the paths and buffers, and
/// the thread only walks bytes and makes system calls (open, read, fstatat, close, sched_*affinity). It
/// never outlives <c>Main</c> (<see cref="Finish"/>).
/// </para>
/// </summary>
internal static class BuildFreshness
{
    private const int Running = 0, Fresh = 1, Stale = 2;
    private static Thread? s_thread;
    private static volatile int s_state = Fresh;

    /// <summary>
    /// Starts the check when run from the repository's wrapper (otherwise the build counts as fresh): on a
    /// thread of its own when <paramref name="background"/> (the command has work to do before its first output),
    /// else at once on the calling thread (a thread's start would cost more than it hides).
    /// </summary>
    public static void Start(bool background)
    {
        string? dir = Environment.GetEnvironmentVariable("SHARPBPF_BUILD_DIR");
        if (string.IsNullOrEmpty(dir) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SHARPBPF_WRAPPER")))
            return;
        if (!background || RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux())
        {
            s_state = IsStale(dir) ? Stale : Fresh;
            return;
        }
        var check = new Check(dir, sched_getcpu());
        s_state = Running;
        var thread = new Thread(() => s_state = check.Run() ? Stale : Fresh, 256 * 1024) { IsBackground = true };
        thread.Start();
        s_thread = thread;
    }

    /// <summary>
    /// Waits for the check; throws <see cref="StaleBuildException"/> when a source is newer than the build.
    /// Call before anything is printed or done that lasts. Cheap once answered.
    /// </summary>
    public static void AwaitFresh()
    {
        Finish();
        if (s_state == Stale)
            throw new StaleBuildException();
    }

    /// <summary>Waits for the check, if one is running, without acting on its answer.</summary>
    public static void Finish()
    {
        if (s_thread is { } thread)
        {
            thread.Join();
            s_thread = null;
        }
    }

    /// <summary>Rebuilds through the wrapper and runs the new binary with the same arguments; its exit code.</summary>
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
    /// The check itself, on the calling thread: is a file or folder listed in <paramref name="dir"/>'s
    /// <c>.sources</c> newer than its <c>.built</c>, missing, or the list unreadable?
    /// </summary>
    internal static bool IsStale(string dir) =>
        RuntimeInformation.ProcessArchitecture == Architecture.X64 && OperatingSystem.IsLinux() ? new Check(dir, -1).Run() : IsStaleManaged(dir);

    // Elsewhere than x86-64 Linux, through File.
    private static bool IsStaleManaged(string dir)
    {
        try
        {
            var stamp = File.GetLastWriteTimeUtc(Path.Combine(dir, ".built"));
            foreach (string path in File.ReadLines(Path.Combine(dir, ".sources")))
            {
                // A missing source (1601-01-01, the "no file" time) counts as a change too.
                var written = File.GetLastWriteTimeUtc(path);
                if (written > stamp || written.Year == 1601)
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

    /// <summary>The check's thread: spans and system calls only (see the class remarks).</summary>
    private sealed unsafe class Check(string dir, int mainCpu)
    {
        private readonly byte[] _stampPath = Encoding.UTF8.GetBytes(Path.Combine(dir, ".built") + "\0");
        private readonly byte[] _listPath = Encoding.UTF8.GetBytes(Path.Combine(dir, ".sources") + "\0");
        private readonly byte[] _path = new byte[4096 + 1];

        // Where the list is read: native memory, allocated here (malloc: no page is touched until read(2)
        // fills it, where a managed array would be cleared first, ~0.1 ms; under glibc's mmap threshold, so
        // freeing it unmaps nothing) and freed by the thread. ~30 KB are used today.
        private const int InitialCapacity = 96 * 1024;
        private byte* _list = (byte*)NativeMemory.Alloc(InitialCapacity);
        private nuint _capacity = InitialCapacity;

        /// <summary>Is the build stale? Frees the list's memory: run once.</summary>
        public bool Run()
        {
            try
            {
                LeaveMainCpu();
                int length = ReadList();
                return length < 0 || IsStale(new ReadOnlySpan<byte>(_list, length));
            }
            finally
            {
                NativeMemory.Free(_list);
            }
        }

        // Moves this thread off the CPU the main thread ran on when it started this one, when another is allowed.
        // A new thread often starts on its parent's CPU, and Thread.Start yields until it has started: the check
        // then ran to its end there, ~1 ms, before the command went on (a third of the runs, measured here).
        private void LeaveMainCpu()
        {
            const int MaskBytes = 128;
            ulong* mask = stackalloc ulong[MaskBytes / 8];
            if (mainCpu < 0 || mainCpu >= MaskBytes * 8 || sched_getaffinity(0, MaskBytes, mask) != 0)
                return;
            mask[mainCpu / 64] &= ~(1UL << (mainCpu % 64));
            for (int i = 0; i < MaskBytes / 8; i++)
            {
                if (mask[i] != 0)
                {
                    _ = sched_setaffinity(0, MaskBytes, mask);
                    return;
                }
            }
        }

        // The list's length, or -1 when it cannot be read whole.
        private int ReadList()
        {
            int fd;
            fixed (byte* p = _listPath)
                fd = open(p, OCloexec);
            if (fd < 0)
                return -1;
            int length = 0;
            while (true)
            {
                if ((nuint)length == _capacity)
                    _list = (byte*)NativeMemory.Realloc(_list, _capacity *= 2);
                nint n = read(fd, _list + length, (nint)_capacity - length);
                if (n <= 0)
                {
                    _ = close(fd);
                    return n == 0 ? length : -1;
                }
                length += (int)n;
            }
        }

        // fstatat(2) relative to the entry's folder (opened once for the entries in it; the build lists them
        // folder by folder): stat(2) on the whole path costs ~1.3 us here, this ~1. The x86-64 struct stat has
        // st_mtim at byte 88.
        private bool IsStale(ReadOnlySpan<byte> entries)
        {
            byte* st = stackalloc byte[256];
            fixed (byte* p = _stampPath)
            {
                if (fstatat(AtFdCwd, p, st, 0) != 0)
                    return true;
            }
            long stampSec = *(long*)(st + 88), stampNsec = *(long*)(st + 96);
            var path = _path.AsSpan();
            int folder = -1, folderLength = -1;
            try
            {
                fixed (byte* p = _path)
                {
                    while (!entries.IsEmpty)
                    {
                        int end = entries.IndexOf((byte)'\n');
                        var entry = end < 0 ? entries : entries[..end];
                        entries = end < 0 ? default : entries[(end + 1)..];
                        int slash = entry.LastIndexOf((byte)'/');
                        if (slash <= 0 || entry.Length >= path.Length)
                            continue;
                        if (slash != folderLength || !entry[..slash].SequenceEqual(path[..slash]))
                        {
                            if (folder >= 0)
                                _ = close(folder);
                            entry[..slash].CopyTo(path);
                            path[slash] = 0;
                            folder = open(p, OPath | ODirectory | OCloexec);
                            folderLength = slash;
                            if (folder < 0)
                                return true;
                        }
                        var name = path[(slash + 1)..];
                        entry[(slash + 1)..].CopyTo(name);
                        name[entry.Length - slash - 1] = 0;
                        if (fstatat(folder, p + slash + 1, st, 0) != 0)
                            return true;
                        long sec = *(long*)(st + 88), nsec = *(long*)(st + 96);
                        if (sec > stampSec || (sec == stampSec && nsec > stampNsec))
                            return true;
                    }
                }
            }
            finally
            {
                if (folder >= 0)
                    _ = close(folder);
            }
            return false;
        }
    }

    private const int AtFdCwd = -100, OPath = 0x200000, ODirectory = 0x10000, OCloexec = 0x80000;

    [DllImport("libc", EntryPoint = "fstatat")]
    private static extern unsafe int fstatat(int dirfd, byte* path, byte* buffer, int flags);

    [DllImport("libc", EntryPoint = "open")]
    private static extern unsafe int open(byte* path, int flags);

    [DllImport("libc", EntryPoint = "read")]
    private static extern unsafe nint read(int fd, byte* buffer, nint count);

    [DllImport("libc", EntryPoint = "sched_getcpu")]
    private static extern int sched_getcpu();

    [DllImport("libc", EntryPoint = "sched_getaffinity")]
    private static extern unsafe int sched_getaffinity(int pid, nint size, ulong* mask);

    [DllImport("libc", EntryPoint = "sched_setaffinity")]
    private static extern unsafe int sched_setaffinity(int pid, nint size, ulong* mask);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int close(int fd);
}

/// <summary>Thrown by <see cref="BuildFreshness.AwaitFresh"/>: a source is newer than this build.</summary>
internal sealed class StaleBuildException() : Exception("a source is newer than this build");
