using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>prog tracelog</c> on the kernel's trace pipe: a socket filter prints a line of its own with
/// bpf_trace_printk, run through BPF_PROG_TEST_RUN while sharpbpf streams the pipe, and the line
/// comes out as the kernel wrote it (text) or as a JSON string (<c>-j</c>, bpftool's array).
/// </summary>
public sealed class TraceLogTests
{
    private static void Require()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            Assert.Skip("needs root on Linux");
        if (!File.Exists("/sys/kernel/tracing/trace_pipe") && !File.Exists("/sys/kernel/debug/tracing/trace_pipe"))
            Assert.Skip("needs tracefs mounted at /sys/kernel/tracing (or debugfs)");
    }

    /// <summary>
    /// <c>bpf_trace_printk(marker, 16)</c>: the 14-character marker, a newline and the NUL the
    /// helper requires, stored on the stack by two 64-bit immediates.
    /// </summary>
    private static KernelProgram PrintkProgram(string marker)
    {
        var format = Encoding.ASCII.GetBytes(marker + "\n\0");
        Assert.Equal(16, format.Length);
        ulong low = BinaryPrimitives.ReadUInt64LittleEndian(format), high = BinaryPrimitives.ReadUInt64LittleEndian(format.AsSpan(8));
        string source = $"""
            r1 = {(long)low} ll
            *(u64 *)(r10 - 16) = r1
            r1 = {(long)high} ll
            *(u64 *)(r10 - 8) = r1
            r1 = r10
            r1 += -16
            r2 = 16
            call 6
            r0 = 0
            exit
            """;
        return KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble(source), "GPL", new ProgramLoadOptions { Name = "tracelog_test" });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tracelog_streams_what_programs_print(bool json)
    {
        Require();
        string marker = "sbtl" + Guid.NewGuid().ToString("N")[..10];
        using var program = PrintkProgram(marker);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sharpbpf.dll"));
        if (json)
            psi.ArgumentList.Add("-j");
        psi.ArgumentList.Add("prog");
        psi.ArgumentList.Add("tracelog");
        using var tracelog = Process.Start(psi)!;
        var output = new StringBuilder();
        using var seen = new ManualResetEventSlim();
        // Read characters as they come: with -j the array's elements are not newline-terminated.
        var reading = Task.Run(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = tracelog.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, n);
                    if (output.ToString().Contains(marker, StringComparison.Ordinal))
                        seen.Set();
                }
            }
        }, TestContext.Current.CancellationToken);
        var stderr = tracelog.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            // The trace buffer keeps what is printed before the reader opens the pipe; run the
            // program until the line comes through (another reader of the pipe could take one).
            var clock = Stopwatch.StartNew();
            while (!seen.Wait(200, TestContext.Current.CancellationToken) && clock.Elapsed < TimeSpan.FromSeconds(30) && !tracelog.HasExited)
                program.TestRun(new byte[64]);
            string errors = tracelog.HasExited ? await stderr : "";
            Assert.True(seen.IsSet, $"no '{marker}' line from prog tracelog; it printed:\n{output}\nstderr: {errors}");
        }
        finally
        {
            if (!tracelog.HasExited)
                tracelog.Kill();
            tracelog.WaitForExit();
        }
        await reading;
        string all = output.ToString();
        if (json)
        {
            // bpftool's array of strings, each a trace line as the kernel wrote it, newline included.
            Assert.StartsWith("[\"", all, StringComparison.Ordinal);
            var element = Regex.Match(all, $@"""(?:[^""\\]|\\.)*{marker}(?:[^""\\]|\\.)*""");
            Assert.True(element.Success, all);
            string text = JsonSerializer.Deserialize<string>(element.Value)!;
            Assert.Matches($@"^ *\S.*-\d+ +\[\d{{3}}\] .* \d+\.\d+: bpf_trace_printk: {marker}\n$", text);
        }
        else
        {
            string line = all.Split('\n').First(l => l.Contains(marker, StringComparison.Ordinal));
            Assert.Matches($@"^ *\S.*-\d+ +\[\d{{3}}\] .* \d+\.\d+: bpf_trace_printk: {marker}$", line);
        }
    }
}
