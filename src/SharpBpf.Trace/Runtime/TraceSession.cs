using System.Buffers.Binary;
using System.Diagnostics;
using SharpBpf.Core;
using SharpBpf.Linux;
using SharpBpf.Linux.Attach;
using SharpBpf.Linux.Events;
using SharpBpf.ObjectFile.Spec;
using SharpBpf.Trace.Output;
using SharpBpf.Trace.Planning;
using SharpBpf.Trace.Probes;
using SharpBpf.Trace.Semantics;

namespace SharpBpf.Trace.Runtime;

/// <summary>
/// A compiled script running in the kernel: creates its maps, loads and attaches its programs,
/// runs BEGIN (BPF_PROG_TEST_RUN of a raw tracepoint program), turns ring buffer records into
/// output, and at the end detaches everything, runs END and prints the maps as bpftrace does.
/// </summary>
public sealed partial class TraceSession : IDisposable
{
    private readonly CompiledScript _script;
    private readonly TraceOptions _options;
    private readonly TraceOutput _output;
    private readonly List<KernelMap> _maps = [];
    private readonly List<(KernelProgram Program, IReadOnlyList<ProbeTarget> Targets)> _programs = [];
    private readonly List<Link> _links = [];
    private readonly Dictionary<string, (ElfSymbolTable?, Executable)> _binaries = new(StringComparer.Ordinal);
    private readonly Dictionary<int, PrintfFormatter> _formatters = [];
    private readonly SessionResolver _resolver;
    private RingBufferReader? _ring;
    private bool _exitRequested;
    private long _startTime;
    private int _childPid;
    private bool _ending;
    private bool? _cacheUserSymbols;

    /// <summary>Creates the session; nothing touches the kernel until <see cref="Run"/>.</summary>
    public TraceSession(CompiledScript script, TraceOptions options, TextWriter output)
    {
        _script = script;
        _options = options;
        _resolver = new SessionResolver(this) { StrftimeFormats = script.Plan.StrftimeFormats };
        _output = TraceOutput.Create(options.Format, output, _resolver);
    }

    /// <summary>Runs the script to its end (exit(), Ctrl-C, the -c command or -p process ending); returns the exit code.</summary>
    public int Run()
    {
        if ((ulong)_script.Targets.Count > _options.MaxProbes)
        {
            throw new TraceRuntimeException($"Can't attach to {_script.Targets.Count} probes because it exceeds the current limit of {_options.MaxProbes} probes.\n" +
                "You can increase the limit through the BPFTRACE_MAX_PROBES environment variable, but BE CAREFUL since a high number of probes attached can cause your system to crash.");
        }
        if (_script.Targets.Count == 0)
        {
            // every attach point expanded to nothing: bpftrace says so on stdout and fails
            _output.Writer.Write("No probes to attach\n");
            _output.Writer.Flush();
            return 1;
        }
        _startTime = MonotonicNs();
        // A script that reads cpid needs the command's process id in its programs: the command starts stopped,
        // before they load, and runs where it would have started.
        Process? child = null;
        if (_options.Command is { } stopped && UsesChildPid())
        {
            child = ChildCommand.StartStopped(stopped);
            _childPid = child.Id;
        }
        try
        {
            CreateMaps();
            LoadPrograms();
            AttachProbes();
            _output.AttachedProbes(_script.Targets.Count);
            _output.Writer.Flush();
            RunSpecial(ProbeKind.Begin);
            Drain();
        }
        catch
        {
            child?.Kill();
            child?.Dispose();
            throw;
        }
        // With only BEGIN and END, as with any other probe, the trace runs until exit(), Ctrl-C, or the -c command
        // or -p process ending (bpftrace 0.17 waits too).
        if (!_exitRequested)
        {
            if (_options.Command is { } cmd)
            {
                if (child is null)
                    child = ChildCommand.Start(cmd);
                else
                    ChildCommand.Resume(child);
            }
            Loop(child);
        }
        foreach (var l in _links)
            l.Dispose();
        _links.Clear();
        Drain();
        _ending = true;
        RunSpecial(ProbeKind.End);
        Drain();
        _output.MapsAtExit(Snapshots());
        _output.Writer.Flush();
        if (child is { HasExited: false })
        {
            child.Kill();
        }
        child?.Dispose();
        return 0;
    }

    private bool UsesChildPid()
    {
        foreach (var (code, _) in _script.Programs)
        {
            foreach (var (_, what) in code.Relocations)
            {
                if (what.Kind == CodeGen.RelocationKind.ChildPid)
                    return true;
            }
        }
        return false;
    }

    private void Loop(Process? child)
    {
        var token = _options.Cancellation;
        var handler = new RecordHandler(this);
        while (!_exitRequested && !token.IsCancellationRequested)
        {
            try
            {
                _ring!.Poll(TimeSpan.FromMilliseconds(child is null && _options.Pid is null ? 1000 : 100), ref handler, token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (child is { HasExited: true })
                break;
            if (_options.Pid is { } pid && !Directory.Exists($"/proc/{pid}"))
                break;
        }
    }

    private void CreateMaps()
    {
        foreach (var m in _script.Plan.Maps)
        {
            var spec = new MapSpec
            {
                Name = m.Name,
                SectionName = "",
                Type = m.Type,
                KeySize = (uint)m.KeySize,
                ValueSize = (uint)m.ValueSize,
                MaxEntries = (uint)m.MaxEntries,
                Origin = MapOrigin.Legacy,
            };
            try
            {
                _maps.Add(KernelMap.Create(spec));
            }
            catch (BpfException e) when (m.Type == MapType.StackTrace && e.Errno != Errno.None)
            {
                // bpftrace 0.17 creates its maps after "Attaching N probes..." and words a stack map's
                // failure so (kstack(0), or a limit above kernel.perf_event_max_stack)
                _output.AttachedProbes(_script.Targets.Count);
                _output.Writer.Flush();
                throw new TraceRuntimeException(
                    $"failed to create stack id map: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage((int)e.Errno)}\n" +
                    $"ERROR: This might have happened because kernel.perf_event_max_stack is smaller than {m.ValueSize / 8}. Try to tweak this value with sysctl kernel.perf_event_max_stack=<new value>\n" +
                    "Creation of the required BPF maps has failed.\n" +
                    "Make sure you have all the required permissions and are not confined (e.g. like\n" +
                    "snapcraft does). `dmesg` will likely have useful output for further troubleshooting", e);
            }
        }
        _ring = new RingBufferReader(_maps[_script.Plan.RingMap]);
    }

    private void LoadPrograms()
    {
        foreach (var (code, targets) in _script.Programs)
        {
            var insns = code.Relocate(r => r.Kind switch
            {
                CodeGen.RelocationKind.Map => _maps[r.Index].Fd.DangerousGetHandle().ToInt64(),
                CodeGen.RelocationKind.ChildPid => _childPid,
                _ => _startTime,
            });
            // Our verifier explains a rejection in the script's terms. It runs before the kernel's
            // with -v, and otherwise only once the kernel rejected a program: on a 130-instruction
            // tracepoint program it takes ~100 ms (it explores ~10x the states the kernel keeps),
            // against the kernel's 0.2 ms, and startup is the point of this tool.
            Verifier.VerificationResult? ours = null;
            if (_options.Verbose)
            {
                var watch = Stopwatch.StartNew();
                ours = Verify(code, insns);
                _options.Errors.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{targets[0].FullName}: {insns.Length} instructions; SharpBpf verifier: {(ours.Accepted ? "accepted" : "rejected")} in {watch.Elapsed.TotalMilliseconds:0.00} ms ({ours.Stats})"));
            }
            KernelProgram program;
            try
            {
                program = KernelProgram.Load(code.ProgramType, insns, "GPL", new ProgramLoadOptions { Name = code.Name, LogLevel = _options.Verbose ? VerifierLogLevel.Stats : default });
            }
            catch (BpfVerifierException e)
            {
                ours ??= Verify(code, insns);
                string explained = ours.Accepted ? "" : ours.Errors[0].Explain() + "\n";
                throw new TraceRuntimeException($"Error loading program: {targets[0].FullName}\n{explained}{e.Message}", e);
            }
            if (_options.Verbose && program.VerifierLog is { Length: > 0 } log)
                _options.Errors.WriteLine($"{targets[0].FullName}: {log.Trim()}");
            _programs.Add((program, targets));
        }
    }

    private Verifier.VerificationResult Verify(CodeGen.ProgramCode code, Instruction[] insns)
    {
        var defs = new List<Verifier.MapDefinition>(_maps.Count);
        for (int i = 0; i < _maps.Count; i++)
        {
            var p = _script.Plan.Maps[i];
            defs.Add(new Verifier.MapDefinition { Name = p.Name, Type = p.Type, KeySize = p.KeySize, ValueSize = p.ValueSize, MaxEntries = p.MaxEntries, Fd = (int)_maps[i].Fd.DangerousGetHandle() });
        }
        return Verifier.Verifier.Verify(insns, new Verifier.VerifierOptions { ProgramType = code.ProgramType, Maps = defs, Privileged = true, SourceLines = code.SourceLines });
    }

    private void AttachProbes()
    {
        foreach (var (program, targets) in _programs)
        {
            foreach (var t in targets)
            {
                try
                {
                    var link = Attach(program, t);
                    if (link is not null)
                        _links.Add(link);
                }
                catch (BpfException e)
                {
                    throw new TraceRuntimeException($"Error attaching probe: '{t.FullName}': {e.Message}", e);
                }
                catch (Exception e) when (e is IOException or FileNotFoundException or ArgumentException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new TraceRuntimeException($"Error attaching probe: '{t.FullName}': {e.Message}", e);
                }
            }
        }
    }

    private Link? Attach(KernelProgram program, ProbeTarget t)
    {
        var parts = t.Point.Parts;
        switch (t.Kind)
        {
            case ProbeKind.Begin:
            case ProbeKind.End:
                return null;
            case ProbeKind.Tracepoint:
                return Link.Tracepoint(program, parts[0], parts[1]);
            case ProbeKind.RawTracepoint:
                return Link.RawTracepoint(program, parts[0]);
            case ProbeKind.Uprobe:
            case ProbeKind.Uretprobe:
            {
                string bin = parts[0]; // resolved by ProbeExpansion
                string func = parts[^1];
                var options = new UprobeOptions { Pid = _options.Pid ?? -1 };
                bool ret = t.Kind == ProbeKind.Uretprobe;
                var (symbols, file) = Binary(bin);
                // an address, or the function's in the binary's symbols and its debug file's (as bcc
                // resolves it for bpftrace); else the kernel layer's own lookup, with its error
                ulong? address = func.StartsWith("0x", StringComparison.Ordinal)
                    ? ulong.Parse(func.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture)
                    : symbols?.AddressOf(func);
                if (address is null)
                    return ret ? Link.Uretprobe(program, bin, func, options) : Link.Uprobe(program, bin, func, options);
                ulong offset = file.AddressToOffset(address.Value);
                return ret ? Link.Uretprobe(program, bin, offset, options) : Link.Uprobe(program, bin, offset, options);
            }
            case ProbeKind.Interval:
            case ProbeKind.Profile:
            {
                string unit = parts.Count == 2 ? parts[0] : "hz";
                ulong n = BpftraceInt.TryParseUInt(parts[^1], out ulong rate, out _) ? rate : throw new TraceRuntimeException($"Error attaching probe: '{t.FullName}': bad rate");
                if (n == 0)
                {
                    // an interval of 0 (a profile's is refused when compiling): bpftrace 0.17 says "Attaching",
                    // then fails in libbcc, which prints the first line, and ends with -1
                    _output.AttachedProbes(_script.Targets.Count);
                    _output.Writer.Flush();
                    throw new TraceRuntimeException($"Error attaching probe: {ProbeTypes.NameOf(t.Kind)}:{unit}")
                    {
                        ExitCode = 255,
                        PrintedBefore = "Exactly one of sample_period / sample_freq should be set\n",
                    };
                }
                var options = unit == "hz"
                    ? new PerfEventOptions { SampleFrequency = n, Cpus = t.Kind == ProbeKind.Interval ? [0] : null, Pid = -1 }
                    : new PerfEventOptions { SamplePeriod = n * ProbeSpec.UnitNanoseconds(unit), Cpus = t.Kind == ProbeKind.Interval ? [0] : null };
                return Link.PerfEvent(program, options);
            }
            case ProbeKind.Software:
            {
                var software = ProbeTypes.FindSoftwareEvent(parts[0])
                    ?? throw new TraceRuntimeException($"Error attaching probe: '{t.FullName}': unknown software event '{parts[0]}'");
                ulong period = parts.Count == 2
                    ? ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)
                    : (ulong)software.DefaultPeriod;
                return Link.PerfEvent(program, new PerfEventOptions { Config = (ulong)software.Config, SamplePeriod = period, Pid = _options.Pid ?? -1, Cpus = _options.Pid is null ? null : [-1] });
            }
            default:
                throw new TraceRuntimeException($"Error attaching probe: '{t.FullName}': {t.Point.Provider} probes are not supported by this kernel");
        }
    }

    // A uprobe binary's symbols (null when unreadable) and program headers, read once for all its targets.
    private (ElfSymbolTable? Symbols, Executable File) Binary(string path)
    {
        if (!_binaries.TryGetValue(path, out var binary))
        {
            ElfSymbolTable? symbols;
            try
            {
                symbols = ElfSymbolTable.LoadCached(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                symbols = null;
            }
            _binaries[path] = binary = (symbols, Executable.Open(path));
        }
        return binary;
    }

    private void RunSpecial(ProbeKind kind)
    {
        foreach (var (program, targets) in _programs)
        {
            if (targets[0].Kind == kind)
                program.TestRun(new ProgramTestRunOptions());
        }
    }

    private void Drain()
    {
        var handler = new RecordHandler(this);
        _ring!.Consume(ref handler);
    }

    // bpftrace caches user symbols per executable with -c or when ASLR is off (every process of a binary
    // then maps it alike); otherwise it reads the process's mappings at every lookup. Asked at the first
    // user symbol, not at start-up.
    private bool CacheUserSymbols => _cacheUserSymbols ??= _options.Command is not null || !AslrEnabled();

    private static bool AslrEnabled()
    {
        try
        {
            return KernelFiles.ReadAllText("/proc/sys/kernel/randomize_va_space").Trim() != "0";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static long MonotonicNs() => (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var l in _links)
            l.Dispose();
        _ring?.Dispose();
        foreach (var (p, _) in _programs)
            p.Dispose();
        foreach (var m in _maps)
            m.Dispose();
    }

    private struct RecordHandler(TraceSession session) : IRingBufferRecordHandler
    {
        public readonly void Handle(int ring, ReadOnlySpan<byte> record) => session.OnRecord(record);
    }
}
