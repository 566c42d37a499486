using SharpBpf.Core;
using SharpBpf.Core.Assembly;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Core.Files;
using SharpBpf.Core.Formatting;
using SharpBpf.Runtime.Interpreter;
using SharpBpf.Runtime.Jit;

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
    public static ConformanceResult RunFile(string path, EngineKind engine = EngineKind.Interpreter)
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
        return RunText(path, text, engine);
    }

    /// <summary>Runs the text of a conformance file in an engine (the interpreter unless told otherwise).</summary>
    public static ConformanceResult RunText(string path, string text, EngineKind engine = EngineKind.Interpreter)
    {
        ConformanceFile test;
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

        Instruction[] program;
        if (test.Raw is not null)
        {
            if (!ProgramDecoder.TrySplit(test.Raw, out program, out var splitError))
                return test.ExpectsRejection ? Pass(path) : Fail(path, $"does not load: {splitError}");
        }
        else if (!Assembler.TryAssemble(test.Asm!, AsmSyntax.Ubpf, out program, out var asmError, path))
        {
            return Fail(path, $"does not assemble: {asmError}");
        }

        if (!BpfInterpreter.TryCreate(program, HelperRegistry.CreateConformance(), out var interpreter, out var loadError))
        {
            if (test.ExpectsRejection && IsDecoderRejection(loadError!))
                return Pass(path);
            return Fail(path, $"does not load: {loadError}");
        }
        if (test.ExpectsRejection)
            return Fail(path, "expected the program to be rejected, but it loaded");

        var memory = test.Memory is null ? null : (byte[])test.Memory.Clone();
        ExecutionResult result;
        if (engine == EngineKind.Jit)
        {
            JitProgram jit;
            try
            {
                jit = BpfJit.Compile(program, HelperRegistry.CreateConformance());
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
            result = interpreter!.Run(memory);
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

    private static bool IsDecoderRejection(Diagnostic d) =>
        d.Id is DiagnosticIds.InvalidOpcode or DiagnosticIds.ReservedField or DiagnosticIds.InvalidRegister
            or DiagnosticIds.InvalidFieldValue && d.Location.Pc >= 0;

    private static ConformanceResult Pass(string path) => new(path, ConformanceOutcome.Passed, null);

    private static ConformanceResult Fail(string path, string reason) => new(path, ConformanceOutcome.Failed, reason);
}
