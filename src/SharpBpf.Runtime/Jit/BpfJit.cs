using System.Runtime.InteropServices;
using SharpBpf.Core;
using SharpBpf.Core.Diagnostics;
using SharpBpf.Runtime.Interpreter;

namespace SharpBpf.Runtime.Jit;

/// <summary>
/// Compiles eBPF programs to x86-64 machine code that runs with the interpreter's semantics and
/// the same memory safety: every access is checked against the run's <see cref="MemoryMap"/> in
/// the generated code, so no verifier is needed (see docs/jit.md).
/// </summary>
public static class BpfJit
{
    /// <summary>Whether this process can run the JIT at all (x86-64 Linux); mapping may still be refused.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>
    /// Validates (exactly as the interpreter does) and compiles a program. False with a diagnostic
    /// naming the pc when the program is invalid; throws <see cref="JitUnavailableException"/>
    /// when the JIT cannot run here.
    /// </summary>
    public static bool TryCompile(ReadOnlySpan<Instruction> program, HelperRegistry? helpers,
        out JitProgram? jit, out Diagnostic? diagnostic, JitOptions? options = null)
    {
        helpers ??= new HelperRegistry();
        jit = null;
        if (!BpfInterpreter.TryCreate(program, helpers, out var interpreter, out diagnostic))
            return false;
        jit = CompileValidated(program, helpers, options ?? new JitOptions(), interpreter!.InstructionCount);
        return true;
    }

    /// <summary>Validates and compiles a program; throws <see cref="BpfFormatException"/> when it is invalid.</summary>
    public static JitProgram Compile(ReadOnlySpan<Instruction> program, HelperRegistry? helpers = null, JitOptions? options = null) =>
        TryCompile(program, helpers, out var jit, out var diagnostic, options) ? jit! : throw new BpfFormatException(diagnostic!);

    internal static JitProgram CompileValidated(ReadOnlySpan<Instruction> program, HelperRegistry helpers, JitOptions options, int instructionCount)
    {
        if (!IsSupported)
            throw new JitUnavailableException($"the JIT emits x86-64 code for Linux; this is {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}");
        var compiled = JitCompiler.Compile(program, helpers, options);
        var memory = ExecutableMemory.Create(compiled.Code, options.DenyExecutableMemory);
        return new JitProgram(memory, compiled, helpers, instructionCount, options);
    }
}
