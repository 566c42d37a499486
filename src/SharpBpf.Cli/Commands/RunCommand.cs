using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using SharpBpf.Runtime;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using SharpBpf.Verifier;

namespace SharpBpf.Cli.Commands;

/// <summary><c>sharpbpf run FILE [--mem HEX | --mem-file F] [--budget N] [--repeat N] [--engine interp|jit]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A program file: .bin, .hex, .data (with its -- mem) or assembly." };
        var mem = new Option<string?>("--mem") { Description = "Input memory as hex bytes (spaces allowed); r1 points to it, r2 is its length." };
        var memFile = new Option<string?>("--mem-file") { Description = "Input memory from a file." };
        var budget = new Option<long>("--budget") { Description = "Instructions to execute before stopping.", DefaultValueFactory = _ => 1_000_000_000 };
        var repeat = new Option<int>("--repeat") { Description = "Also time N runs and print the median ns/run.", DefaultValueFactory = _ => 0 };
        var engine = new Option<string>("--engine") { Description = "Engine: interp (the interpreter) or jit (x86-64 machine code).", DefaultValueFactory = _ => "interp" };
        engine.AcceptOnlyFromAmong("interp", "jit");
        var section = new Option<string?>("--section") { Description = "With --pcap: the object's program section to run (default xdp)." };
        var pcap = new Option<string?>("--pcap") { Description = "Run an object's XDP program over each packet of a pcap file; print verdict counts and maps." };
        var verify = new Option<bool>("--verify") { Description = "Verify the program first (memory convention: r1 = the memory, r2 = its length); a rejection is explained and nothing runs. The JIT then leaves out the checks the verifier proved unneeded." };
        var cmd = new Command("run", "Run a program and print r0.") { file, mem, memFile, budget, repeat, engine, verify, section, pcap };
        cmd.Validators.Add(r =>
        {
            if (r.GetValue(mem) is not null && r.GetValue(memFile) is not null)
                r.AddError("--mem and --mem-file cannot be used together");
        });
        cmd.SetAction(p =>
        {
            if (p.GetValue(budget) <= 0)
                throw new CliError("--budget must be positive", 2);
            if (p.GetValue(repeat) < 0)
                throw new CliError("--repeat must not be negative", 2);
            if (p.GetValue(pcap) is { } pcapFile)
            {
                var kind = p.GetValue(engine) == "jit" ? EngineKind.Jit : EngineKind.Interpreter;
                return RunPcap.Execute(p.GetValue(file)!, p.GetValue(section) ?? "xdp", pcapFile, kind, p.GetValue(budget), Console.Out);
            }
            var loaded = CommonOptions.LoadProgram(p.GetValue(file)!, null);
            byte[]? memory = loaded.Memory;
            if (p.GetValue(mem) is { } hex)
                memory = ParseHexBytes(hex);
            else if (p.GetValue(memFile) is { } mf)
                memory = File.Exists(mf) ? File.ReadAllBytes(mf) : throw new CliError($"{mf}: no such file");

            var helpers = HelperRegistry.CreateConformance();
            var interpreter = BpfInterpreter.Create(loaded.Instructions, helpers);
            interpreter.InstructionBudget = p.GetValue(budget);
            var jitOptions = new JitOptions();
            if (p.GetValue(verify))
            {
                var verifierOptions = new VerifierOptions { MemorySize = memory?.Length };
                var verdict = SharpBpf.Verifier.Verifier.Verify(loaded.Instructions, verifierOptions);
                if (!verdict.Accepted)
                {
                    Console.Error.Write(verdict.Errors[0].Explain());
                    throw new CliError($"run: the verifier rejected the program at pc {verdict.Errors[0].Pc}: {verdict.Errors[0].Message}");
                }
                jitOptions = JitOptions.FromVerification(loaded.Instructions, verdict, verifierOptions);
            }
            using var jit = p.GetValue(engine) == "jit" ? CompileOrFallBack(loaded.Instructions, helpers, jitOptions) : null;
            if (jit is not null)
                jit.InstructionBudget = p.GetValue(budget);
            var map = new MemoryMap();
            var input = memory is null ? null : (byte[])memory.Clone();
            var result = jit is null ? interpreter.Run(input, map) : jit.Run(input, map);
            if (result.Error is not null)
                throw new CliError($"run: {result.Error}");
            Console.Out.WriteLine($"r0 = 0x{result.ReturnValue:x}");
            int n = p.GetValue(repeat);
            if (n > 0)
            {
                var buffer = memory is null ? null : (byte[])memory.Clone();
                // The JIT's repeat loop is BPF_PROG_TEST_RUN's: the machine code called once per run, setup hoisted.
                double ns = jit is null
                    ? Time(k => RunMany(interpreter, buffer, map, k), n)
                    : TimeTestRun(jit, buffer, map, n);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ns:0.##} ns/run"));
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The JIT's program, or null (after saying why) when this process cannot run machine code.</summary>
    private static JitProgram? CompileOrFallBack(SharpBpf.Core.Instruction[] program, HelperRegistry helpers, JitOptions options)
    {
        try
        {
            return BpfJit.Compile(program, helpers, options);
        }
        catch (JitUnavailableException e)
        {
            Console.Error.WriteLine($"run: the JIT is unavailable ({e.Message}); using the interpreter");
            return null;
        }
    }

    /// <summary>Median ns/run over 11 batches of about n/11 runs each (after a warm-up); <paramref name="runMany"/> runs k times.</summary>
    internal static double Time(Action<int> runMany, int n)
    {
        const int batches = 11;
        int perBatch = Math.Max(1, n / batches);
        // Warm up for at least 300 ms so the JIT has settled.
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 300)
            runMany(64);
        var samples = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            runMany(perBatch);
            samples[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / perBatch;
        }
        Array.Sort(samples);
        return samples[batches / 2];
    }

    /// <summary>Median ns/run of 11 <see cref="JitProgram.TestRun"/> batches of about n/11 runs each, after a warm-up.</summary>
    private static double TimeTestRun(JitProgram jit, byte[]? buffer, MemoryMap map, int n)
    {
        const int batches = 11;
        int perBatch = Math.Max(1, n / batches);
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 300)
            jit.TestRun(buffer, map, 64);
        var samples = new double[batches];
        for (int b = 0; b < batches; b++)
        {
            var run = jit.TestRun(buffer, map, perBatch);
            if (run.Result.Error is not null)
                throw new CliError($"run: {run.Result.Error}");
            samples[b] = run.NanosecondsPerRun;
        }
        Array.Sort(samples);
        return samples[batches / 2];
    }

    // The timed loop has its own fully optimized method: inside Time it ran as on-stack-replacement
    // code of a Tier0 method, which added several ns per run and made short programs look up to
    // 50% slower than callers that run them from optimized code see. One per engine, so each
    // loop makes a direct call.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunMany(BpfInterpreter interpreter, byte[]? buffer, MemoryMap map, int n)
    {
        for (int i = 0; i < n; i++)
            interpreter.Run(buffer, map);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RunMany(JitProgram jit, byte[]? buffer, MemoryMap map, int n)
    {
        for (int i = 0; i < n; i++)
            jit.Run(buffer, map);
    }

    internal static byte[] ParseHexBytes(string text)
    {
        var digits = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
                continue;
            if (!char.IsAsciiHexDigit(c))
                throw new CliError($"--mem: '{c}' is not a hex digit", 2);
            digits.Append(c);
        }
        if (digits.Length % 2 != 0)
            throw new CliError("--mem: odd number of hex digits", 2);
        return Convert.FromHexString(digits.ToString());
    }
}
