using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Runtime;
using SharpBpf.Trace.Semantics;
using SharpBpf.TestKit;
using Xunit;

namespace SharpBpf.Trace.Tests;

/// <summary>What the trace tests share: environments, the kernel check, running a script to its output.</summary>
internal static class TraceTestKit
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public static string ErrorsDir => Path.Combine(TestPaths.Data, "trace", "errors");

    public static string OutputDir => Path.Combine(TestPaths.Data, "trace", "output");

    /// <summary>An environment that knows one tracepoint (sys_enter_openat, as this kernel's format says) and no BTF.</summary>
    public static ITraceEnvironment Fake(params string[] positional) => new FakeEnvironment(positional);

    /// <summary>Skips unless bpf(2) works here (root, a kernel with BPF).</summary>
    public static void RequireKernel()
    {
        if (Unavailable.Value is { } reason)
            Assert.Skip(reason);
    }

    /// <summary>Compiles and runs a script in the kernel; returns its stdout.</summary>
    public static string Run(string source, string? command = null, string format = "text", params string[] args)
    {
        RequireKernel();
        var writer = new StringWriter { NewLine = "\n" };
        RunSession(TraceCompiler.Compile(source, new TracefsEnvironment(args) { HasChild = command is not null }), command, format, writer);
        return writer.ToString();
    }

    /// <summary>
    /// What <c>sharpbpf trace -e SOURCE [-c COMMAND]</c> prints: its exit code, stdout, and stderr
    /// (compile errors and warnings as bpftrace words them); <paramref name="trigger"/> runs once the
    /// output has the line <paramref name="ready"/> (printed by BEGIN, after attaching), the session
    /// running on another thread meanwhile; <paramref name="allowUnsafe"/> is <c>--unsafe</c>.
    /// </summary>
    public static (int Exit, string Out, string Err) RunLikeCli(string source, string? command = null, string? ready = null, Action? trigger = null, bool allowUnsafe = false, ulong maxProbes = TraceOptions.DefaultMaxProbes)
    {
        RequireKernel();
        CompiledScript script;
        try
        {
            script = TraceCompiler.Compile(source, new TracefsEnvironment([]) { Unsafe = allowUnsafe, HasChild = command is not null });
        }
        catch (TraceCompileException e)
        {
            return (1, "", TraceErrorFormatter.Format(e.Diagnostics, source));
        }
        string err = TraceErrorFormatter.Format(script.Warnings, source);
        var output = new StringWriter { NewLine = "\n" };
        var writer = TextWriter.Synchronized(output); // its methods lock the wrapper itself
        string Text()
        {
            lock (writer)
                return output.ToString();
        }
        var run = Task.Run(() => RunSession(script, command, "text", writer, maxProbes));
        if (trigger is not null)
        {
            while (!run.IsCompleted && !Text().Contains("\n" + ready + "\n", StringComparison.Ordinal))
                Thread.Sleep(10);
            if (!run.IsCompleted)
                trigger();
        }
        int exit;
        try
        {
            exit = run.GetAwaiter().GetResult();
        }
        catch (Runtime.TraceRuntimeException e)
        {
            // as TraceCommand: its text on stderr, its exit code
            exit = e.ExitCode;
            err += e.ErrorText;
        }
        return (exit, Text(), err);
    }

    private static int RunSession(CompiledScript script, string? command, string format, TextWriter writer, ulong maxProbes = TraceOptions.DefaultMaxProbes)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var session = new TraceSession(script, new TraceOptions { Command = command, Format = format, Cancellation = cts.Token, MaxProbes = maxProbes }, writer);
        return session.Run();
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "bpf(2) is Linux's";
        try
        {
            using var map = KernelMap.Create(new MapSpec { Name = "probe", Type = MapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1, Origin = MapOrigin.Legacy, SectionName = "" });
            return null;
        }
        catch (BpfException e)
        {
            return $"bpf(2) is not usable here ({e.Message}): run as root";
        }
    }

    private sealed class FakeEnvironment(string[] positional) : ITraceEnvironment
    {
        public KernelTypes Types { get; } = new(() => null);

        public IReadOnlyList<string> Positional => positional;

        public IReadOnlyList<TracepointField>? TracepointFields(string category, string name) =>
            (category, name) switch
            {
                ("syscalls", "sys_enter_openat") =>
                [
                    new("int __syscall_nr", "int", "__syscall_nr", 8, 4, true, 0, false),
                    new("int dfd", "int", "dfd", 16, 8, false, 0, false),
                    new("const char * filename", "const char *", "filename", 24, 8, false, 0, false),
                    new("int flags", "int", "flags", 32, 8, false, 0, false),
                    new("umode_t mode", "umode_t", "mode", 40, 8, false, 0, false),
                ],
                ("sched", "sched_switch") =>
                [
                    new("char prev_comm[16]", "char", "prev_comm", 8, 16, false, 16, false),
                    new("pid_t prev_pid", "pid_t", "prev_pid", 24, 4, true, 0, false),
                    new("char next_comm[16]", "char", "next_comm", 40, 16, false, 16, false),
                    new("pid_t next_pid", "pid_t", "next_pid", 56, 4, true, 0, false),
                ],
                _ => null,
            };
    }
}
