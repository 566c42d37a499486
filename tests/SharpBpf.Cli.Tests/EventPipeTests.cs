using System.Diagnostics;
using System.Text.RegularExpressions;
using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Linux;
using SharpBpf.ObjectFile.Spec;
using Xunit;

namespace SharpBpf.Cli.Tests;

/// <summary>
/// <c>sharpbpf map event_pipe</c> as a child process on a perf event array that a socket filter,
/// run by this process through BPF_PROG_TEST_RUN, writes to; stopped with SIGINT. Its output is
/// compared with a literal (timestamps and CPU numbers masked) and, where bpftool 7 is installed,
/// with what bpftool map event_pipe prints for the same samples.
/// </summary>
public sealed partial class EventPipeTests
{
    // The three samples every run produces: 8 constant bytes, then 20 bytes of the packet after
    // its Ethernet header (a socket filter's test run starts at the network header).
    private const string Text = """
        == @T CPU: C index: C =====
        01 02 03 04 05 06 07 08  0e 0f 10 11 12 13 14 15
        16 17 18 19 1a 1b 1c 1d  1e 1f 20 21
        == @T CPU: C index: C =====
        01 02 03 04 05 06 07 08  f1 f0 ef ee ed ec eb ea
        e9 e8 e7 e6 e5 e4 e3 e2  e1 e0 df de
        == @T CPU: C index: C =====
        01 02 03 04 05 06 07 08  f1 f0 ef ee ed ec eb ea
        e9 e8 e7 e6 e5 e4 e3 e2  e1 e0 df de

        """;

    private const string Json =
        """[{"type":9,"cpu":C,"index":C,"timestamp":T,"data":[1,2,3,4,5,6,7,8,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33]},""" +
        """{"type":9,"cpu":C,"index":C,"timestamp":T,"data":[1,2,3,4,5,6,7,8,241,240,239,238,237,236,235,234,233,232,231,230,229,228,227,226,225,224,223,222]},""" +
        """{"type":9,"cpu":C,"index":C,"timestamp":T,"data":[1,2,3,4,5,6,7,8,241,240,239,238,237,236,235,234,233,232,231,230,229,228,227,226,225,224,223,222]}]""" + "\n";

    private const string Pretty = """
        [{
                "type": 9,
                "cpu": C,
                "index": C,
                "timestamp": T,
                "data": [1,2,3,4,5,6,7,8,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33
                ]
            },{
                "type": 9,
                "cpu": C,
                "index": C,
                "timestamp": T,
                "data": [1,2,3,4,5,6,7,8,241,240,239,238,237,236,235,234,233,232,231,230,229,228,227,226,225,224,223,222
                ]
            },{
                "type": 9,
                "cpu": C,
                "index": C,
                "timestamp": T,
                "data": [1,2,3,4,5,6,7,8,241,240,239,238,237,236,235,234,233,232,231,230,229,228,227,226,225,224,223,222
                ]
            }
        ]

        """;

    private static readonly string Sharpbpf = Path.Combine(AppContext.BaseDirectory, "sharpbpf.dll");

    [Fact]
    public void Prints_each_sample_as_bpftool_does()
    {
        using var fixture = Fixture.Create();
        var ours = fixture.Pipe("dotnet", Sharpbpf, "map", "event_pipe", "id", fixture.MapId);
        Assert.Equal(0, ours.Exit);
        Assert.Equal("Stopping...\n", ours.Err);
        Assert.Equal(Text, Mask(ours.Out));
        if (Fixture.HasBpftool)
            Assert.Equal(Text, Mask(fixture.Pipe("bpftool", "map", "event_pipe", "id", fixture.MapId).Out));
    }

    [Fact]
    public void Prints_json_and_pretty_json_as_bpftool_does()
    {
        using var fixture = Fixture.Create();
        var json = fixture.Pipe("dotnet", Sharpbpf, "-j", "map", "event_pipe", "name", fixture.MapName);
        Assert.Equal(0, json.Exit);
        Assert.Equal(Json, Mask(json.Out));
        var pretty = fixture.Pipe("dotnet", Sharpbpf, "-p", "map", "event_pipe", "pinned", fixture.PinPath);
        Assert.Equal(0, pretty.Exit);
        Assert.Equal(Pretty, Mask(pretty.Out));
        if (Fixture.HasBpftool)
        {
            Assert.Equal(Json, Mask(fixture.Pipe("bpftool", "-j", "map", "event_pipe", "name", fixture.MapName).Out));
            Assert.Equal(Pretty, Mask(fixture.Pipe("bpftool", "-p", "map", "event_pipe", "pinned", fixture.PinPath).Out));
        }
    }

    [Fact]
    public void Reads_one_cpu_into_the_index_given()
    {
        int cpu = Environment.ProcessorCount - 1;
        using var fixture = Fixture.Create(explicitIndex: 3, onCpu: cpu);
        var ours = fixture.Pipe("dotnet", Sharpbpf, "map", "event_pipe", "id", fixture.MapId, "cpu", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), "index", "0x3");
        Assert.Equal(0, ours.Exit);
        Assert.Equal(Text.Replace("CPU: C index: C", $"CPU: {cpu} index: 3", StringComparison.Ordinal), Mask(ours.Out, maskCpu: false));
    }

    [Fact]
    public void Stops_cleanly_with_nothing_read()
    {
        using var fixture = Fixture.Create();
        var json = fixture.Pipe("dotnet", [Sharpbpf, "-j", "map", "event_pipe", "id", fixture.MapId], produce: false);
        Assert.Equal((0, "[]\n", "Stopping...\n"), json);
    }

    [Fact]
    public void Says_what_is_wrong_with_the_arguments()
    {
        using var fixture = Fixture.Create();
        Assert.Equal((2, "", "sharpbpf: map event_pipe: cpu and index must be specified together\n"),
            CliRunner.Run("map", "event_pipe", "id", fixture.MapId, "cpu", "0"));
        Assert.Equal((2, "", "sharpbpf: map event_pipe: can't parse x as CPU ID\n"),
            CliRunner.Run("map", "event_pipe", "id", fixture.MapId, "cpu", "x", "index", "0"));
        Assert.Equal((2, "", "sharpbpf: map event_pipe: unrecognized argument 'size'\n"),
            CliRunner.Run("map", "event_pipe", "id", fixture.MapId, "size", "8"));
        Assert.Equal((1, "", "sharpbpf: map event_pipe: map is not a perf event array\n"),
            CliRunner.Run("map", "event_pipe", "id", fixture.OtherMapId));
        var beyond = CliRunner.Run("map", "event_pipe", "id", fixture.MapId, "cpu", "0", "index", "4096");
        Assert.Equal(1, beyond.Exit);
        Assert.StartsWith("sharpbpf: map event_pipe: failed to create perf buffer: index 4096 is outside perf_event_array map", beyond.Err, StringComparison.Ordinal);
    }

    // "== @8192.503410114 CPU: 0 index: 0 =====" and "timestamp": 8808791000432 vary from run to run.
    private static string Mask(string output, bool maskCpu = true)
    {
        output = TimestampText().Replace(output, "== @T ");
        output = TimestampJson().Replace(output, "\"timestamp\":${space}T");
        if (maskCpu)
        {
            output = CpuText().Replace(output, "CPU: C index: C");
            output = CpuJson().Replace(output, "\"cpu\":${space}C,${gap}\"index\":${space2}C");
        }
        return output;
    }

    [GeneratedRegex(@"== @\d+\.\d{9} ")]
    private static partial Regex TimestampText();

    [GeneratedRegex(@"""timestamp"":(?<space> ?)\d+")]
    private static partial Regex TimestampJson();

    [GeneratedRegex(@"CPU: (\d+) index: \1\b")]
    private static partial Regex CpuText();

    [GeneratedRegex(@"""cpu"":(?<space> ?)(?<n>\d+),(?<gap>\s*)""index"":(?<space2> ?)\k<n>\b")]
    private static partial Regex CpuJson();

    /// <summary>A perf event array (pinned too) and a socket filter that writes a sample to it per run.</summary>
    private sealed class Fixture : IDisposable
    {
        private static readonly byte[] First = [.. Enumerable.Range(0, 64).Select(i => (byte)i)];
        private static readonly byte[] Then = [.. Enumerable.Range(0, 64).Select(i => (byte)(255 - i))];

        private readonly KernelMap _map;
        private readonly KernelMap _other;
        private readonly KernelProgram _program;

        private readonly int? _cpu;

        private Fixture(KernelMap map, KernelMap other, KernelProgram program, string pin, int? cpu)
        {
            _cpu = cpu;
            _map = map;
            _other = other;
            _program = program;
            PinPath = pin;
        }

        public static bool HasBpftool { get; } = File.Exists("/usr/sbin/bpftool") || File.Exists("/usr/bin/bpftool");

        public string MapId => _map.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string OtherMapId => _other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string MapName => _map.Name;

        public string PinPath { get; }

        public static Fixture Create(int? explicitIndex = null, int? onCpu = null)
        {
            if (!OperatingSystem.IsLinux())
                Assert.Skip("needs Linux");
            KernelMap map;
            try
            {
                // max_entries 0: one slot per possible CPU; 8 leaves room for an index of its own.
                map = KernelMap.Create(Spec(MapType.PerfEventArray, 4, 4, explicitIndex is null ? 0u : 8u, "evp" + Guid.NewGuid().ToString("N")[..10]));
            }
            catch (BpfException e) when (e.Errno is Errno.EPERM or Errno.EACCES)
            {
                Assert.Skip($"bpf(2) is not permitted here ({e.Message})");
                throw;
            }
            KernelMap? other = null;
            try
            {
                other = KernelMap.Create(Spec(MapType.Array, 4, 4, 1, "evp_other"));
                // BPF_F_CURRENT_CPU, or an index; then BPF_F_CTXLEN_MASK: 20 bytes of the packet.
                ulong flags = (20UL << 32) | (explicitIndex is { } i ? (ulong)i : 0xffffffff);
                var program = KernelProgram.Load(ProgramType.SocketFilter, Assembler.Assemble($"""
                    r6 = r1
                    r1 = 578437695752307201 ll
                    *(u64 *)(r10 - 8) = r1
                    r1 = r6
                    ld_pseudo r2, 1, {map.Fd.Value}
                    r3 = {flags} ll
                    r4 = r10
                    r4 += -8
                    r5 = 8
                    call 25
                    if r0 != 0 goto failed
                    r0 = 1
                    exit
                    failed:
                    r0 = 0
                    exit
                    """), "GPL");
                string pin = $"/sys/fs/bpf/sharpbpf-evpipe-{Environment.ProcessId}-{Guid.NewGuid():N}";
                BpfFs.EnsureMounted();
                map.Pin(pin);
                return new Fixture(map, other, program, pin, onCpu);
            }
            catch
            {
                other?.Dispose();
                map.Dispose();
                throw;
            }
        }

        private static MapSpec Spec(MapType type, uint keySize, uint valueSize, uint maxEntries, string name) => new()
        {
            Name = name,
            Type = type,
            KeySize = keySize,
            ValueSize = valueSize,
            MaxEntries = maxEntries,
            Origin = MapOrigin.BtfMaps,
            SectionName = ".maps",
        };

        private bool Emit(byte[] packet) => _program.TestRun(packet).ReturnValue == 1;

        /// <summary>
        /// Starts <paramref name="command"/>; once a sample goes through (the reader is up), writes
        /// two more; stops it with SIGINT and returns what it printed.
        /// </summary>
        public (int Exit, string Out, string Err) Pipe(string command, params string[] args) => Pipe(command, args, produce: true);

        public (int Exit, string Out, string Err) Pipe(string command, string[] args, bool produce)
        {
            var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            try
            {
                if (produce)
                    OnCpu(_cpu, () => Produce(p, command));
                else
                    WaitForPerfEvents(p, command);
                using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                    kill.WaitForExit();
                Assert.True(p.WaitForExit(10_000), $"{command} did not stop on SIGINT");
                return (p.ExitCode, stdout.Result, stderr.Result);
            }
            finally
            {
                if (!p.HasExited)
                    p.Kill();
            }
        }

        private void Produce(Process p, string command)
        {
            var deadline = Stopwatch.StartNew();
            // Until the reader has stored its events, bpf_perf_event_output fails (ENOENT, or
            // EOPNOTSUPP on a CPU other than the slot's): nothing is printed for those tries.
            while (!Emit(First))
            {
                Assert.False(p.HasExited, $"{command} exited before reading");
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"{command} never started reading");
                Thread.Sleep(20);
            }
            for (int sent = 0; sent < 2;)
            {
                if (Emit(Then))
                    sent++;
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "samples did not go through");
            }
            Thread.Sleep(300);
        }

        // The reader is up once the process holds its perf events (it handles SIGINT from before that).
        private static void WaitForPerfEvents(Process p, string command)
        {
            var deadline = Stopwatch.StartNew();
            while (!HoldsPerfEvent(p.Id))
            {
                Assert.False(p.HasExited, $"{command} exited before reading");
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"{command} never opened its perf events");
                Thread.Sleep(20);
            }
            Thread.Sleep(200);
        }

        private static bool HoldsPerfEvent(int pid)
        {
            try
            {
                return Directory.GetFiles($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == "anon_inode:[perf_event]");
            }
            catch (IOException)
            {
                return false; // an fd closed while listing, or the process gone (the caller checks)
            }
        }

        // Runs on a thread pinned to the CPU whose event the reader stored (sched_setaffinity).
        private static void OnCpu(int? cpu, Action action)
        {
            if (cpu is not { } c)
            {
                action();
                return;
            }
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    ulong mask = 1UL << c;
                    if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
                        throw new InvalidOperationException($"sched_setaffinity CPU {c} failed");
                    action();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
            if (failure is not null)
                throw new AggregateException(failure);
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
        private static extern int SchedSetAffinity(int pid, nint size, ref ulong mask);

        public void Dispose()
        {
            _program.Dispose();
            _map.Unpin();
            _map.Dispose();
            _other.Dispose();
        }
    }
}
