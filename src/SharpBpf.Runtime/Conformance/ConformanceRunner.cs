using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Files;
using SharpBpf.Core.Formatting;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;
using SharpBpf.Verifier;

namespace SharpBpf.Runtime.Conformance;

/// <summary>
/// Runs bpf_conformance <c>.data</c> files through an engine with the suite's execution contract
/// (its README): r1 = a private copy of <c>-- mem</c>, r2 = its length, helper 5 returns r1, the
/// full 64-bit r0 compared with <c>-- result</c>.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Expands files and folders into the <c>.data</c> files they name, sorted.</summary>
    public static IReadOnlyList<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
                files.AddRange(Directory.EnumerateFiles(p, "*.data", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            else
                files.Add(p);
        }
        return files;
    }

    /// <summary>Runs one file in an engine (the interpreter unless told otherwise).</summary>
    public static ConformanceResult RunFile(string path, EngineKind engine = EngineKind.Interpreter) => RunFile(path, engine, verify: false);

    /// <summary>
    /// Runs one file in an engine; with <paramref name="verify"/>, our verifier (the memory
    /// convention with the file's buffer size) checks the program first: a rejection skips the
    /// test with the verifier's reason, and the JIT drops the checks the verifier proved.
    /// </summary>
    public static ConformanceResult RunFile(string path, EngineKind engine, bool verify) => RunFile(path, text => RunText(path, text, engine, verify));

    /// <summary>
    /// Runs one file in an engine outside this library (the kernel): <paramref name="run"/> gets
    /// the program and a private copy of the memory. Tests that expect a run-time error, and
    /// programs that call the suite's helpers (which are not the kernel's), are skipped.
    /// </summary>
    public static ConformanceResult RunFile(string path, Func<Instruction[], byte[]?, ExternalRun> run) =>
        RunFile(path, text => RunText(path, text, run));

    private static ConformanceResult RunFile(string path, Func<string, ConformanceResult> runText)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConformanceResult(path, ConformanceOutcome.Failed, $"cannot read: {e.Message}");
        }
        return runText(text);
    }

    /// <summary>Runs the text of a conformance file in an engine (the interpreter unless told otherwise).</summary>
    public static ConformanceResult RunText(string path, string text, EngineKind engine = EngineKind.Interpreter) => RunText(path, text, engine, verify: false);

    /// <summary>Runs the text of a conformance file in an engine, optionally behind our verifier (see <see cref="RunFile(string, EngineKind, bool)"/>).</summary>
    public static ConformanceResult RunText(string path, string text, EngineKind engine, bool verify)
    {
        var loaded = Load(path, text, out var test, out var program, out var interpreter);
        if (loaded is not null)
            return loaded;

        var memory = test.Memory is null ? null : (byte[])test.Memory.Clone();
        JitOptions options = new();
        if (verify)
        {
            var verifierOptions = new VerifierOptions { MemorySize = memory?.Length };
            var verdict = Verifier.Verifier.Verify(program, verifierOptions);
            if (!verdict.Accepted)
            {
                var e = verdict.Errors[0];
                return new ConformanceResult(path, ConformanceOutcome.Skipped, $"rejected by the verifier at pc {e.Pc}: {e.Message}");
            }
            options = JitOptions.FromVerification(program, verdict, verifierOptions);
        }
        ExecutionResult result;
        if (engine == EngineKind.Jit)
        {
            JitProgram jit;
            try
            {
                jit = BpfJit.Compile(program, HelperRegistry.CreateConformance(), options);
            }
            catch (JitUnavailableException e)
            {
                return Fail(path, $"JIT unavailable: {e.Message}");
            }
            using (jit)
                result = jit.Run(memory);
        }
        else
        {
            result = interpreter.Run(memory);
        }
        if (test.Error is { Length: > 0 } expectedError)
        {
            if (result.Error is null)
                return Fail(path, $"expected error '{expectedError}', but the program returned 0x{result.ReturnValue:x}");
            return result.Error.Message == expectedError
                ? Pass(path)
                : Fail(path, $"expected error '{expectedError}', got '{result.Error.Message}'");
        }
        if (result.Error is not null)
            return Fail(path, $"run failed: {result.Error}");
        if (result.ReturnValue != test.Result)
            return Fail(path, $"expected r0 = 0x{test.Result:x}, got 0x{result.ReturnValue:x}");
        return Pass(path);
    }

    /// <summary>Runs the text of a conformance file in an external engine (see <see cref="RunFile(string, Func{Instruction[], byte[], ExternalRun})"/>).</summary>
    public static ConformanceResult RunText(string path, string text, Func<Instruction[], byte[]?, ExternalRun> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var loaded = Load(path, text, out var test, out var program, out _);
        if (loaded is not null)
            return loaded;
        if (test.Error is { Length: > 0 })
            return new ConformanceResult(path, ConformanceOutcome.Skipped, "expects a run-time error, which a verified kernel program cannot have");
        foreach (var insn in program)
        {
            if (OpcodeTable.KindOf(insn.Opcode) is InstructionKind.CallX)
                return new ConformanceResult(path, ConformanceOutcome.Skipped, "calls a helper through a register (callx): the suite's helpers are not the kernel's");
            if (OpcodeTable.KindOf(insn.Opcode) == InstructionKind.Call && insn.Src == (int)CallSource.Helper)
                return new ConformanceResult(path, ConformanceOutcome.Skipped, $"calls helper {insn.Immediate}: the suite's helpers are not the kernel's");
        }
        var r = run(program, test.Memory is null ? null : (byte[])test.Memory.Clone());
        if (r.SkipReason is not null)
            return new ConformanceResult(path, ConformanceOutcome.Skipped, r.SkipReason);
        if (r.ReturnValue != test.Result)
            return Fail(path, $"expected r0 = 0x{test.Result:x}, got 0x{r.ReturnValue:x}");
        return Pass(path);
    }

    /// <summary>Parses and loads a file: null when the program is ready to run, else the result (a failure, or a pass for an expected rejection).</summary>
    private static ConformanceResult? Load(string path, string text, out ConformanceFile test, out Instruction[] program, out BpfInterpreter interpreter)
    {
        program = [];
        interpreter = null!;
        test = null!;
        try
        {
            test = ConformanceFile.Parse(text, path);
        }
        catch (BpfFormatException e)
        {
            return Fail(path, e.Diagnostic.ToString());
        }
        if (test.SkipReason is not null && !test.ExpectsRejection)
            return new ConformanceResult(path, ConformanceOutcome.Skipped, test.SkipReason);

        if (test.Raw is not null)
        {
            if (!ProgramDecoder.TrySplit(test.Raw, out program, out var splitError))
                return test.ExpectsRejection ? Pass(path) : Fail(path, $"does not load: {splitError}");
        }
        else if (!Assembler.TryAssemble(test.Asm!, AsmSyntax.Ubpf, out program, out var asmError, path))
        {
            return Fail(path, $"does not assemble: {asmError}");
        }

        if (!BpfInterpreter.TryCreate(program, HelperRegistry.CreateConformance(), out var created, out var loadError))
        {
            if (test.ExpectsRejection && IsDecoderRejection(loadError!))
                return Pass(path);
            return Fail(path, $"does not load: {loadError}");
        }
        if (test.ExpectsRejection)
            return Fail(path, "expected the program to be rejected, but it loaded");
        interpreter = created!;
        return null;
    }

    private static bool IsDecoderRejection(Diagnostic d) =>
        d.Id is DiagnosticIds.InvalidOpcode or DiagnosticIds.ReservedField or DiagnosticIds.InvalidRegister
            or DiagnosticIds.InvalidFieldValue && d.Location.Pc >= 0;

    private static ConformanceResult Pass(string path) => new(path, ConformanceOutcome.Passed, null);

    private static ConformanceResult Fail(string path, string reason) => new(path, ConformanceOutcome.Failed, reason);
}
