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
/// command waits for the answer (<see cref="AwaitFresh"/>) before its first output (StandardOutput's writers
/// wait) or lasting effect; so do bpftool's short read-only commands, and the others wait at once. The waiting side does not idle: the list is cut into chunks, and it
/// takes the chunks the thread has not reached yet. When the build is stale, <see cref="AwaitFresh"/> throws
/// <see cref="StaleBuildException"/>, the command unwinds (closing what it opened), and <see cref="Rebuild"/>
/// has the wrapper rebuild and run the new binary with the same arguments. Measured with bench/trace's first
/// event: the check adds ~0.4 ms on its own thread, ~1.1 ms on the calling thread.
/// </para>
/// <para>
/// The thread runs no code that could start a class constructor: two threads starting class constructors at
/// once can deadlock in .NET 10's NativeAOT runtime (seen here once in ~1,000 runs: the main thread in
/// Dictionary's static constructor, waiting for the lock of AppContext's, which the other thread held while
/// waiting for Dictionary's; 0 in 5,000 runs since). So the main thread prepares the paths and buffers, and
/// the thread only walks bytes and makes system calls (open, read, fstatat, close, sched_yield, sem_*). Its end
/// waits until the main thread is in <c>pthread_join</c> (<see cref="Finish"/>): the runtime's thread exit
/// runs managed code. It never outlives <c>Main</c>.
/// </para>
/// </summary>
internal static unsafe class BuildFreshness
{
    private static BackgroundCheck? s_background;
    private static bool s_stale;

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
        if (background)
            s_background = BackgroundCheck.Start(dir);
        else
            s_stale = IsStale(dir);
    }

    /// <summary>
    /// Waits for the check, sharing what is left of it; throws <see cref="StaleBuildException"/> when a source
    /// is newer than the build. Call before anything is printed or done that lasts. Cheap once answered.
    /// </summary>
    public static void AwaitFresh()
    {
        if (s_background is { } check)
            s_stale = check.Await();
        if (s_stale)
            throw new StaleBuildException();
    }

    /// <summary>Ends the check's thread, if one was started, without acting on its answer.</summary>
    public static void Finish()
    {
        s_background?.Dispose();
        s_background = null;
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
    internal static bool IsStale(string dir)
    {
        if (!IsX64Linux)
            return IsStaleManaged(dir);
        using var check = new Check(dir);
        return check.Help();
    }

    private static bool IsX64Linux => RuntimeInformation.ProcessArchitecture == Architecture.X64 && OperatingSystem.IsLinux();

    /// <summary>
    /// The check on a thread of its own, which the waiting side joins in (<see cref="Await"/>). On x86-64 Linux a
    /// pthread: the caller does not wait for it to start, where Thread.Start waits until the new thread runs
    /// (~0.1 ms here: the other CPU wakes up). Elsewhere the check runs at once.
    /// </summary>
    internal sealed class BackgroundCheck : IDisposable
    {
        private readonly Check? _check;
        private GCHandle _handle;
        private nint _thread;
        private bool? _stale;

        private BackgroundCheck(Check? check, bool? stale)
        {
            _check = check;
            _stale = stale;
        }

        /// <summary>Starts checking the build in <paramref name="dir"/>.</summary>
        public static BackgroundCheck Start(string dir)
        {
            if (!IsX64Linux)
                return new BackgroundCheck(null, IsStale(dir));
            var background = new BackgroundCheck(new Check(dir), null);
            background._handle = GCHandle.Alloc(background._check);
            nint thread = 0;
            byte* attributes = stackalloc byte[PthreadAttrSize];
            int created = pthread_attr_init(attributes);
            if (created == 0)
            {
                OtherCpus(attributes);
                created = pthread_create(&thread, (nint)attributes, &ThreadMain, GCHandle.ToIntPtr(background._handle));
                _ = pthread_attr_destroy(attributes);
            }
            if (created != 0)
            {
                background._handle.Free();
                background._stale = background._check!.Help();
                background._check.Dispose();
                return background;
            }
            background._thread = thread;
            return background;
        }

        // Has the thread start on a CPU other than this one's, when another is allowed: placed by the scheduler, it
        // started at times behind the busy main thread, on its CPU, ~2 ms later (a third of the runs here), where
        // moving itself once running came too late.
        private static void OtherCpus(byte* attributes)
        {
            const int MaskBytes = 128;
            ulong* mask = stackalloc ulong[MaskBytes / 8];
            int cpu = sched_getcpu();
            if (cpu < 0 || cpu >= MaskBytes * 8 || sched_getaffinity(0, MaskBytes, mask) != 0)
                return;
            mask[cpu / 64] &= ~(1UL << (cpu % 64));
            for (int i = 0; i < MaskBytes / 8; i++)
            {
                if (mask[i] != 0)
                {
                    _ = pthread_attr_setaffinity_np(attributes, MaskBytes, mask);
                    return;
                }
            }
        }

        [UnmanagedCallersOnly]
        private static nint ThreadMain(nint handle)
        {
            ((Check)GCHandle.FromIntPtr(handle).Target!).RunOnThread();
            return 0;
        }

        /// <summary>Is the build stale? Does what is left of the check, then waits for the thread's part.</summary>
        public bool Await() => _stale ??= _check!.Help();

        /// <summary>Answers the check if not yet answered, lets the thread return and joins it.</summary>
        public void Dispose()
        {
            if (_thread == 0)
                return;
            _ = Await();
            _check!.Release();
            _ = pthread_join(_thread, null);
            _thread = 0;
            _handle.Free();
            _check.Dispose();
        }
    }

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

    /// <summary>
    /// One check, shared by its thread (<see cref="RunOnThread"/>) and the thread that waits for it
    /// (<see cref="Help"/>). Whichever comes first reads the stamp and the list; the list is cut into chunks of
    /// bytes, each taken by one of them, and an entry belongs to the chunk it starts in. The thread then waits
    /// to be released (<see cref="Release"/>) before it returns, so that the runtime's thread exit never runs
    /// beside the main thread's code. Spans and system calls only (see the class remarks).
    /// </summary>
    private sealed class Check : IDisposable
    {
        // Entries take ~60 bytes: ~8 stat calls a chunk, the most the waiting side waits for the other's.
        private const int Chunk = 512;
        private const int NotRead = -3, Reading = -2, Unreadable = -1;

        private readonly byte[] _stampPath;
        private readonly byte[] _listPath;

        // Where the list is read: native memory (malloc: no page is touched until read(2) fills it, where a
        // managed array would be cleared first, ~0.1 ms). ~30 KB are used today.
        private const int InitialCapacity = 96 * 1024;
        private byte* _list = (byte*)NativeMemory.Alloc(InitialCapacity);
        private nuint _capacity = InitialCapacity;

        // A POSIX semaphore: the thread may return.
        private readonly byte* _released = (byte*)NativeMemory.AllocZeroed(SemSize);

        private int _length = NotRead;
        private (long Sec, long Nsec) _stamp;
        private int _next, _checked;
        private volatile int _stale;

        public Check(string dir)
        {
            _stampPath = Encoding.UTF8.GetBytes(Path.Combine(dir, ".built") + "\0");
            _listPath = Encoding.UTF8.GetBytes(Path.Combine(dir, ".sources") + "\0");
            _ = sem_init(_released, 0, 0);
        }

        /// <summary>The thread's part: its share of the check, then waiting to be released.</summary>
        public void RunOnThread()
        {
            Share();
            while (sem_wait(_released) != 0)
            {
                // interrupted by a signal (EINTR, its only failure on a semaphore that sem_init made)
            }
        }

        /// <summary>
        /// The waiting side's part: its share of the check, then waiting for the chunks the thread took (a few
        /// microseconds). Is the build stale?
        /// </summary>
        public bool Help()
        {
            Share();
            while (_stale == 0 && Volatile.Read(ref _checked) < (Volatile.Read(ref _length) + Chunk - 1) / Chunk)
                _ = sched_yield();
            return _stale != 0;
        }

        /// <summary>Lets the thread return, once the check is answered; then join it.</summary>
        public void Release() => _ = sem_post(_released);

        public void Dispose()
        {
            _ = sem_destroy(_released);
            NativeMemory.Free(_released);
            NativeMemory.Free(_list);
            _list = null;
        }

        // Reads the list unless the other side does, waits until it is read, and checks chunks while any is left.
        private void Share()
        {
            if (Interlocked.CompareExchange(ref _length, Reading, NotRead) == NotRead)
            {
                int length = ReadStampAndList();
                if (length < 0)
                    _stale = 1;
                Volatile.Write(ref _length, length);
            }
            int read;
            while ((read = Volatile.Read(ref _length)) == Reading)
                _ = sched_yield();
            if (read >= 0)
                CheckChunks(read);
        }

        // The stamp's time and the list's length, or Unreadable when either cannot be read (whole).
        private int ReadStampAndList()
        {
            byte* st = stackalloc byte[256];
            fixed (byte* p = _stampPath)
            {
                if (fstatat(AtFdCwd, p, st, 0) != 0)
                    return Unreadable;
            }
            _stamp = ModifiedAt(st);
            int fd;
            fixed (byte* p = _listPath)
                fd = open(p, OCloexec);
            if (fd < 0)
                return Unreadable;
            int length = 0;
            while (true)
            {
                if ((nuint)length == _capacity)
                    _list = (byte*)NativeMemory.Realloc(_list, _capacity *= 2);
                nint n = read(fd, _list + length, (nint)_capacity - length);
                if (n <= 0)
                {
                    _ = close(fd);
                    return n == 0 ? length : Unreadable;
                }
                length += (int)n;
            }
        }

        // st_mtim of an x86-64 struct stat (bytes 88 and 96).
        private static (long Sec, long Nsec) ModifiedAt(byte* st) => (*(long*)(st + 88), *(long*)(st + 96));

        // Takes chunks until none is left or a change is found. fstatat(2) relative to the entry's folder (opened
        // once for the entries in it; the build lists them folder by folder): over this list, with cold caches,
        // ~0.85-0.9 ms against ~0.9-0.95 ms for stat(2) on whole paths (a C loop).
        private void CheckChunks(int length)
        {
            byte* st = stackalloc byte[256];
            byte* path = stackalloc byte[PathMax + 1];
            var list = new ReadOnlySpan<byte>(_list, length);
            int folder = -1, folderLength = -1;
            try
            {
                while (_stale == 0)
                {
                    int start = Interlocked.Add(ref _next, Chunk) - Chunk;
                    if (start >= list.Length)
                        return;
                    int end = Math.Min(start + Chunk, list.Length);
                    // the chunk's first entry: the first that starts at or after its start
                    int at = start;
                    if (at > 0 && list[at - 1] != (byte)'\n')
                    {
                        int newline = list[at..].IndexOf((byte)'\n');
                        at = newline < 0 ? end : at + newline + 1;
                    }
                    while (at < end)
                    {
                        int newline = list[at..].IndexOf((byte)'\n');
                        var entry = newline < 0 ? list[at..] : list.Slice(at, newline);
                        at += entry.Length + 1;
                        int slash = entry.LastIndexOf((byte)'/');
                        if (slash <= 0 || entry.Length > PathMax)
                            continue;
                        if (slash != folderLength || !entry[..slash].SequenceEqual(new ReadOnlySpan<byte>(path, slash)))
                        {
                            if (folder >= 0)
                                _ = close(folder);
                            entry[..slash].CopyTo(new Span<byte>(path, slash));
                            path[slash] = 0;
                            folder = open(path, OPath | ODirectory | OCloexec);
                            folderLength = slash;
                            if (folder < 0)
                            {
                                _stale = 1;
                                return;
                            }
                        }
                        entry[(slash + 1)..].CopyTo(new Span<byte>(path + slash + 1, PathMax - slash));
                        path[entry.Length] = 0;
                        if (fstatat(folder, path + slash + 1, st, 0) != 0)
                        {
                            _stale = 1;
                            return;
                        }
                        var (sec, nsec) = ModifiedAt(st);
                        if (sec > _stamp.Sec || (sec == _stamp.Sec && nsec > _stamp.Nsec))
                        {
                            _stale = 1;
                            return;
                        }
                    }
                    Interlocked.Increment(ref _checked);
                }
            }
            finally
            {
                if (folder >= 0)
                    _ = close(folder);
            }
        }
    }

    private const int AtFdCwd = -100, OPath = 0x200000, ODirectory = 0x10000, OCloexec = 0x80000, PathMax = 4096;

    // sizeof(sem_t) on 64-bit glibc and musl; sizeof(pthread_attr_t) is 56 on x86-64 glibc
    private const int SemSize = 32, PthreadAttrSize = 64;

    [DllImport("libc", EntryPoint = "fstatat")]
    private static extern int fstatat(int dirfd, byte* path, byte* buffer, int flags);

    [DllImport("libc", EntryPoint = "open")]
    private static extern int open(byte* path, int flags);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint read(int fd, byte* buffer, nint count);

    [DllImport("libc", EntryPoint = "sched_getcpu")]
    private static extern int sched_getcpu();

    [DllImport("libc", EntryPoint = "sched_getaffinity")]
    private static extern int sched_getaffinity(int pid, nint size, ulong* mask);

    [DllImport("libc", EntryPoint = "pthread_attr_init")]
    private static extern int pthread_attr_init(byte* attributes);

    [DllImport("libc", EntryPoint = "pthread_attr_setaffinity_np")]
    private static extern int pthread_attr_setaffinity_np(byte* attributes, nint size, ulong* mask);

    [DllImport("libc", EntryPoint = "pthread_attr_destroy")]
    private static extern int pthread_attr_destroy(byte* attributes);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int close(int fd);

    [DllImport("libc", EntryPoint = "pthread_create")]
    private static extern int pthread_create(nint* thread, nint attributes, delegate* unmanaged<nint, nint> start, nint argument);

    [DllImport("libc", EntryPoint = "pthread_join")]
    private static extern int pthread_join(nint thread, nint* result);

    [DllImport("libc", EntryPoint = "sem_init")]
    private static extern int sem_init(byte* semaphore, int shared, uint value);

    [DllImport("libc", EntryPoint = "sched_yield")]
    private static extern int sched_yield();

    [DllImport("libc", EntryPoint = "sem_wait")]
    private static extern int sem_wait(byte* semaphore);

    [DllImport("libc", EntryPoint = "sem_post")]
    private static extern int sem_post(byte* semaphore);

    [DllImport("libc", EntryPoint = "sem_destroy")]
    private static extern int sem_destroy(byte* semaphore);
}

/// <summary>Thrown by <see cref="BuildFreshness.AwaitFresh"/>: a source is newer than this build.</summary>
internal sealed class StaleBuildException() : Exception("a source is newer than this build");
