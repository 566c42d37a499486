using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Maps;
using Xunit;

namespace SharpBpf.Linux.Tests;

/// <summary>
/// A one-slot array map and programs that add one to it: the probe every attach test uses to see
/// that its program ran (and stopped running once detached).
/// </summary>
internal sealed class Counter : IDisposable
{
    public Counter(string name = "counter") => Map = KernelMap.Create(Kernel.Spec(MapType.Array, 4, 8, 1, name));

    public KernelMap Map { get; }

    /// <summary>The count.</summary>
    public ulong Value => new BpfMap<uint, ulong>(Map).Lookup(0);

    /// <summary>
    /// Loads a program of <paramref name="type"/>: <paramref name="prelude"/> (which may jump to
    /// "out" to skip counting), the increment, then "out: r0 = <paramref name="returnValue"/>; exit".
    /// </summary>
    public KernelProgram Load(ProgramType type, string prelude = "", long returnValue = 0, ProgramLoadOptions? options = null)
    {
        string source = $"""
            {prelude}
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            ld_pseudo r1, 1, {Map.Fd.Value}
            call 1
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            out:
            r0 = {returnValue}
            exit
            """;
        return KernelProgram.Load(type, Assembler.Assemble(source), "GPL", options ?? new ProgramLoadOptions { Name = "attach_count" });
    }

    /// <summary>
    /// A prelude that counts only events of the calling thread (bpf_get_current_pid_tgid equal to
    /// this process and thread), saving the context in r6 first.
    /// </summary>
    public static string OnlyThisThread()
    {
        ulong pidTgid = ((ulong)Environment.ProcessId << 32) | (uint)TestNative.GetTid();
        return $"""
            r6 = r1
            call 14
            r1 = {pidTgid} ll
            if r0 != r1 goto out
            """;
    }

    public void Dispose() => Map.Dispose();
}

/// <summary>Libc calls the attach tests make: thread ids, raw syscalls, namespaces.</summary>
internal static partial class TestNative
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int type);

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetPpid();

    /// <summary>Calls getppid(2) <paramref name="times"/> times (glibc does not cache it: one syscall each).</summary>
    public static void CallGetPpid(int times)
    {
        for (int i = 0; i < times; i++)
            Assert.True(GetPpid() > 0);
    }

    public const int CloneNewNet = 0x40000000;

    private static long GetTidNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 178 : 186;

    /// <summary>The number of the getppid syscall (arch/x86/entry/syscalls/syscall_64.tbl, asm-generic/unistd.h).</summary>
    public static int GetPpidNumber => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 173 : 110;

    public static int GetTid() => (int)Syscall(GetTidNumber);

    /// <summary>Opens and closes /dev/null <paramref name="times"/> times: one openat(2) each.</summary>
    public static void OpenDevNull(int times)
    {
        for (int i = 0; i < times; i++)
        {
            int fd = Open("/dev/null", 0);
            Assert.True(fd >= 0);
            Close(fd);
        }
    }
}

/// <summary>Runs commands the attach tests need (ip, tc, gcc, bash) and checks they succeed.</summary>
internal static class Commands
{
    public static string Run(string file, params string[] args)
    {
        var (exit, output, error) = TryRun(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited with {exit}: {error}{output}");
        return output;
    }

    public static (int Exit, string Out, string Err) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Skips the test unless <paramref name="tool"/> is on the PATH.</summary>
    public static void Require(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            if (File.Exists(Path.Combine(dir, tool)))
                return;
        }
        Assert.Skip($"{tool} is not installed");
    }
}

/// <summary>
/// Two network namespaces of this test's own joined by a veth pair (A: 10.0.0.1, B: 10.0.0.2),
/// removed with everything in them on Dispose. Code that must see A's interfaces runs through
/// <see cref="InA{T}"/>, on a thread moved into A's namespace (setns affects only that thread).
/// </summary>
internal sealed class VethPair : IDisposable
{
    private static int _counter;

    public VethPair()
    {
        Commands.Require("ip");
        int n = Interlocked.Increment(ref _counter);
        string id = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{n}");
        NsA = $"sharpbpf-{id}-a";
        NsB = $"sharpbpf-{id}-b";
        DevA = string.Create(CultureInfo.InvariantCulture, $"sa{Environment.ProcessId % 100000}x{n}");
        DevB = string.Create(CultureInfo.InvariantCulture, $"sb{Environment.ProcessId % 100000}x{n}");
        try
        {
            Commands.Run("ip", "netns", "add", NsA);
            Commands.Run("ip", "netns", "add", NsB);
            // No IPv6: no router solicitations or DAD probes to count besides the test's own packets.
            foreach (var ns in new[] { NsA, NsB })
                Commands.Run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            Commands.Run("ip", "link", "add", DevA, "type", "veth", "peer", "name", DevB);
            Commands.Run("ip", "link", "set", DevA, "netns", NsA);
            Commands.Run("ip", "link", "set", DevB, "netns", NsB);
            Commands.Run("ip", "-n", NsA, "addr", "add", "10.0.0.1/24", "dev", DevA);
            Commands.Run("ip", "-n", NsB, "addr", "add", "10.0.0.2/24", "dev", DevB);
            Commands.Run("ip", "-n", NsA, "link", "set", DevA, "up");
            Commands.Run("ip", "-n", NsB, "link", "set", DevB, "up");
            IfindexA = InA(() => Attach.NetDevice.IndexOf(DevA));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string NsA { get; }
    public string NsB { get; }
    public string DevA { get; }
    public string DevB { get; }
    public int IfindexA { get; }

    /// <summary>Sends <paramref name="count"/> UDP datagrams from B to A's port 9 (after ARP, the first time).</summary>
    public void SendFromB(int count = 1) =>
        Commands.Run("ip", "netns", "exec", NsB, "bash", "-c",
            string.Create(CultureInfo.InvariantCulture, $"for i in $(seq {count}); do echo hi > /dev/udp/10.0.0.1/9; done"));

    /// <summary>`ip -n A ...`.</summary>
    public string IpA(params string[] args) => Commands.Run("ip", ["-n", NsA, .. args]);

    /// <summary>`tc -n A ...`.</summary>
    public string TcA(params string[] args) => Commands.Run("tc", ["-n", NsA, .. args]);

    /// <summary>Runs <paramref name="action"/> on a thread inside namespace A.</summary>
    public T InA<T>(Func<T> action) => InNamespace(NsA, action);

    public static T InNamespace<T>(string ns, Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            int self = TestNative.Open("/proc/thread-self/ns/net", 0);
            int target = TestNative.Open($"/var/run/netns/{ns}", 0);
            try
            {
                if (self < 0 || target < 0 || TestNative.SetNs(target, TestNative.CloneNewNet) != 0)
                    throw new InvalidOperationException($"cannot enter network namespace {ns}: errno {Marshal.GetLastPInvokeError()}");
                try
                {
                    result = action();
                }
                finally
                {
                    TestNative.SetNs(self, TestNative.CloneNewNet);
                }
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                TestNative.Close(self);
                TestNative.Close(target);
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
            ExceptionDispatchInfo.Throw(error);
        return result;
    }

    public void Dispose()
    {
        // Deleting a namespace destroys the veth end in it, and with it the peer.
        Commands.TryRun("ip", "netns", "del", NsA);
        Commands.TryRun("ip", "netns", "del", NsB);
    }
}

/// <summary>A cgroup v2 directory of this test's own, removed on Dispose; children run inside it.</summary>
internal sealed class TestCgroup : IDisposable
{
    public TestCgroup()
    {
        var root = Root() ?? throw SkipException();
        Path = System.IO.Path.Combine(root, $"sharpbpf-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Runs a bash script in a child moved into the cgroup first.</summary>
    public void Run(string script) =>
        Commands.Run("bash", "-c", $"echo $$ > {Path}/cgroup.procs && {script}");

    /// <summary>Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems).</summary>
    public static string? Root()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
                continue;
            var after = line[(dash + 3)..].Split(' ');
            if (after[0] == "cgroup2")
                return line.Split(' ')[4];
        }
        return null;
    }

    private static Exception SkipException()
    {
        Assert.Skip("no cgroup2 mount");
        return new InvalidOperationException();
    }

    public void Dispose()
    {
        // The children have exited; the kernel may take a moment to let the cgroup go.
        for (int i = 0; i < 50; i++)
        {
            try
            {
                Directory.Delete(Path);
                return;
            }
            catch (IOException) when (i < 49)
            {
                Thread.Sleep(20);
            }
        }
    }
}

/// <summary>A small C program built with gcc at test time: the host binary uprobes attach to.</summary>
public sealed class UprobeTarget : IDisposable
{
    private const string Source = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <unistd.h>

        __attribute__((noinline)) int sharpbpf_target(int x) { __asm__ volatile(""); return x * 2; }
        __attribute__((noinline)) int sharpbpf_other(int x) { __asm__ volatile(""); return x + 1; }

        /* argv[1]: how many rounds; argv[2] "wait": read a line from stdin first. */
        int main(int argc, char **argv)
        {
            int n = argc > 1 ? atoi(argv[1]) : 1, s = 0;
            if (argc > 2) {
                char line[16];
                if (!fgets(line, sizeof line, stdin))
                    return 2;
            }
            for (int i = 0; i < n; i++)
                s += sharpbpf_target(i) + sharpbpf_other(i) + (getpid() & 1);
            return s == -1 ? 1 : 0;
        }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"sharpbpf-uprobe-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public UprobeTarget()
    {
        if (!File.Exists("/usr/bin/gcc") && !File.Exists("/usr/bin/cc"))
            return;
        Directory.CreateDirectory(_directory);
        string c = Path.Combine(_directory, "target.c");
        File.WriteAllText(c, Source);
        Binary = Path.Combine(_directory, "target");
        var (exit, _, err) = Commands.TryRun(File.Exists("/usr/bin/gcc") ? "/usr/bin/gcc" : "/usr/bin/cc", "-O1", "-g0", "-o", Binary, c);
        if (exit != 0)
            throw new InvalidOperationException("gcc failed: " + err);
    }

    /// <summary>The built program, or null without a C compiler.</summary>
    public string? Binary { get; }

    /// <summary>The program's path; skips the test when there is no C compiler.</summary>
    public string Require()
    {
        if (Binary is null)
            Assert.Skip("no C compiler (gcc) to build the uprobe target");
        return Binary!;
    }

    /// <summary>Runs the program for <paramref name="rounds"/> rounds and waits for it.</summary>
    public void Run(int rounds) => Commands.Run(Require(), rounds.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>Waits for what the kernel does asynchronously (a link's id going away).</summary>
internal static class Eventually
{
    public static void True(Func<bool> condition, string message)
    {
        for (int i = 0; i < 100; i++)
        {
            if (condition())
                return;
            Thread.Sleep(10);
        }
        Assert.Fail(message);
    }
}
